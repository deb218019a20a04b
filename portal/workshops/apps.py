from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished


class WorkshopsConfig(AppConfig):
    name = "portal.workshops"
    label = "workshops"
    verbose_name = "Workshops im Medienstudio"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # registers the system checks

        # gunicorn runs no system checks: where a shared cache is required, the WSGI application refuses to load too.
        if shared := checks.shared_cache_for_counters(None):
            raise ImproperlyConfigured(f"{shared[0].id}: {shared[0].msg} {shared[0].hint}")
        from .schedule import on_request_finished

        # After the response went out: the housekeeping of this interval, if no worker started it yet.
        request_finished.connect(on_request_finished, dispatch_uid="workshops.housekeeping")
