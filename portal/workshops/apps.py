from django.apps import AppConfig
from django.core.signals import request_finished


class WorkshopsConfig(AppConfig):
    name = "portal.workshops"
    label = "workshops"
    verbose_name = "Workshops im Medienstudio"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .schedule import on_request_finished

        # After the response went out: the housekeeping of this interval, if no worker started it yet.
        request_finished.connect(on_request_finished, dispatch_uid="workshops.housekeeping")
