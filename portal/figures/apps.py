from django.apps import AppConfig


class FiguresConfig(AppConfig):
    """Engine <-> portal: cycles, data set uploads, regenerations and figure snapshots."""

    name = "portal.figures"
    label = "figures"
    verbose_name = "Planungsdaten und Abbildungen"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .catalog import connect

        connect()
