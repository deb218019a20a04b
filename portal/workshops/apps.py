from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "portal.workshops"
    label = "workshops"
    verbose_name = "Workshops im Medienstudio"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
