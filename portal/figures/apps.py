from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    """Engine <-> portal: cycles, data set uploads, regenerations and figure snapshots."""

    name = "portal.figures"
    label = "figures"
    verbose_name = _("Planungsdaten und Abbildungen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import catalog, scenario_upkeep

        catalog.connect()
        scenario_upkeep.connect()
