from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "portal.workshops"
    label = "workshops"
    verbose_name = "Workshops im Medienstudio"
    default_auto_field = "django.db.models.BigAutoField"
