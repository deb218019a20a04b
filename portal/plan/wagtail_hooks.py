"""Admin screens for the plan's snippets, declared rather than written; the council's editions."""

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .goals import Goal
from .snippets import ActorGroup, ContentField, CycleStep, Endnote, LinkEntry, Milestone, StrategicLevel


class MilestoneViewSet(SnippetViewSet):
    model = Milestone
    icon = "date"
    ordering = ["year", "month"]
    list_display = ["title", "month_name", "year"]
    list_filter = ["year", "locale"]
    search_fields = ["title", "description"]


class ActorGroupViewSet(SnippetViewSet):
    model = ActorGroup
    icon = "group"
    ordering = ["sort_order"]
    list_display = ["name"]
    search_fields = ["name", "description"]


class CycleStepViewSet(SnippetViewSet):
    model = CycleStep
    icon = "repeat"
    ordering = ["number"]
    list_display = ["number", "title"]
    search_fields = ["title", "description"]


class ContentFieldViewSet(SnippetViewSet):
    model = ContentField
    icon = "folder-open-inverse"
    ordering = ["sort_order"]
    list_display = ["title", "chapter_number"]
    search_fields = ["title", "description"]


class StrategicLevelViewSet(SnippetViewSet):
    model = StrategicLevel
    icon = "site"
    ordering = ["sort_order"]
    list_display = ["title"]
    search_fields = ["title", "description"]


class LinkEntryViewSet(SnippetViewSet):
    model = LinkEntry
    icon = "link"
    ordering = ["sort_order", "title"]
    list_display = ["title", "chapter_number", "url"]
    search_fields = ["title", "description", "url"]


class EndnoteViewSet(SnippetViewSet):
    model = Endnote
    icon = "list-ol"
    ordering = ["number"]
    list_display = ["number", "text"]
    search_fields = ["text"]


class GoalViewSet(SnippetViewSet):
    """Where each goal stands; edited here without touching the chapter, released like a page."""

    model = Goal
    icon = "tick"
    ordering = ["chapter__path", "position"]
    list_display = ["text", "chapter", "status", "progress", "responsible"]
    list_filter = ["status", "chapter"]
    search_fields = ["text", "evidence", "responsible"]
    add_to_admin_menu = False


class PlanSnippetGroup(SnippetViewSetGroup):
    menu_label = "Planinhalte"
    menu_icon = "doc-full"
    menu_order = 200
    items = (
        GoalViewSet,
        MilestoneViewSet,
        ActorGroupViewSet,
        CycleStepViewSet,
        ContentFieldViewSet,
        StrategicLevelViewSet,
        LinkEntryViewSet,
        EndnoteViewSet,
    )


register_snippet(PlanSnippetGroup)


@hooks.register("insert_global_admin_css")
def admin_contrast_css():
    """Wagtail's error messages in a red dark enough for white text (WCAG AA), on every admin screen."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("register_admin_urls")
def register_council_urls():
    from django.urls import include, path

    from . import council_views

    urls = [path("", council_views.council_editions, name="council_editions")]
    return [path("beschlussfassungen/", include((urls, "plan_admin"), namespace="plan_admin"))]


class CouncilEditionsMenuItem(MenuItem):
    def is_shown(self, request):
        from .council_views import PERMISSION

        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_menu_item")
def register_council_menu_item():
    return CouncilEditionsMenuItem(_("Beschlussfassungen"), reverse("plan_admin:council_editions"), icon_name="doc-full", order=230)
