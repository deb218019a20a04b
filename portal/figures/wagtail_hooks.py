"""The "Planungsdaten" menu item and its admin URLs."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views, planner_views
from .models import Cycle, Scenario
from .scenario_forms import ScenarioForm


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path("", admin_views.index, name="index"),
        path("version/<int:version_id>/berechnen/", admin_views.regenerate, name="regenerate"),
        path("berechnung/<int:regeneration_id>/vorschau/", admin_views.preview, name="preview"),
        path("berechnung/<int:regeneration_id>/veroeffentlichen/", admin_views.publish, name="publish"),
        path("inventarimport/uebernehmen/", admin_views.asset_import_accept, name="asset_import_accept"),
        path("inventarimport/verwerfen/", admin_views.asset_import_discard, name="asset_import_discard"),
        path("inventarimport/zuordnung-vorlage.toml", admin_views.asset_import_template, name="asset_import_template"),
        path("vorlage.xlsx", planner_views.template_download, name="template"),
        path("hilfe/", planner_views.help_page, name="help"),
        path("zyklus/<int:cycle_id>/einstellungen/", planner_views.plan_settings, name="plan_settings"),
        path("zyklus/<int:cycle_id>/plan.toml", planner_views.plan_download, name="plan_download"),
        path("zyklus/<int:cycle_id>/wiederherstellen/", admin_views.restore, name="restore"),
        path("version/<int:version_id>/trotzdem-uebernehmen/", admin_views.accept_mismatch, name="accept_mismatch"),
        path("szenario/<int:scenario_id>/", admin_views.scenario_status, name="scenario"),
        path("szenario/<int:scenario_id>/berechnen/", admin_views.scenario_compute, name="scenario_compute"),
        path("szenario/<int:scenario_id>/veroeffentlichen/", admin_views.scenario_publish, name="scenario_publish"),
    ]
    return [path("planungsdaten/", include((urls, "figures_admin"), namespace="figures_admin"))]


@hooks.register("register_log_actions")
def register_planning_log_actions(actions):
    """Publishing, restoring and accepting a data set that does not fit its cycle: who and when, in Wagtail's log."""
    actions.register_action("figures.publish", _("Abbildungen veröffentlichen"), _("Abbildungen veröffentlicht"))
    actions.register_action(
        "figures.restore", _("Vorherige Fassung wiederherstellen"), _("Vorherige Fassung der Abbildungen wiederhergestellt")
    )
    actions.register_action(
        "figures.accept_mismatch",
        _("Abweichenden Datensatz übernehmen"),
        _("Datensatz trotz Abweichung vom Zyklus übernommen"),
    )


class PlanningDataMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.PERMISSION)


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return PlanningDataMenuItem("Planungsdaten", reverse("figures_admin:index"), icon_name="table", order=210)


def yes_no_column(name: str, label) -> Column:
    """A yes/no field in an admin list as "Ja"/"Nein", not Python's "True"/"False"."""
    return Column(name, label=label, sort_key=name, accessor=lambda obj: _("Ja") if getattr(obj, name) else _("Nein"))


class CycleViewSet(SnippetViewSet):
    """Cycles of the plan: an editor adds the next one and makes it current."""

    model = Cycle
    icon = "date"
    menu_label = "Zyklen"
    menu_order = 215
    add_to_admin_menu = True
    ordering = ["start_year"]
    list_display = ["name", "start_year", "end_year", yes_no_column("is_current", _("Aktueller Zyklus"))]
    search_fields = ["name"]
    form_fields = ["name", "start_year", "end_year", "is_current"]


register_snippet(CycleViewSet)


class ScenarioViewSet(SnippetViewSet):
    """"Was wäre, wenn …?" scenarios of a cycle: planners write, compute and publish them."""

    model = Scenario
    icon = "resubmit"
    menu_label = _("Szenarien")
    menu_order = 216
    add_to_admin_menu = True
    ordering = ["cycle", "name"]
    list_display = ["name", "cycle", "status", "published", "state_link"]
    list_filter = ["cycle", "published"]
    search_fields = ["name"]
    edit_handler = ObjectList(
        [
            FieldPanel("cycle"),
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("price_increase_pct"),
            FieldPanel("price_base_year"),
            FieldPanel("useful_life_years"),
            FieldPanel("unit_cost_eur"),
            FieldPanel("device_ratio_pct"),
        ],
        base_form_class=ScenarioForm,
    )


register_snippet(ScenarioViewSet)
