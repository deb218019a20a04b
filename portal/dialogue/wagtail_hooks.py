"""The moderators' screens: comments per chapter with filters, the moderation of one comment, closed dialogues, the CSV export."""

from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from . import admin_views
from .models import Comment, DialogueClosure
from .permissions import CommentPermissionPolicy

register_permission_policy(Comment, CommentPermissionPolicy(Comment))


class CommentIndexView(IndexView):
    @property
    def header_buttons(self):
        query = self.request.GET.urlencode()
        url = reverse("dialogue_admin:export") + (f"?{query}" if query else "")
        return [*super().header_buttons, HeaderButton(_("Als CSV exportieren"), url=url, icon_name="download")]


def moderation_link(comment) -> str:
    return format_html('<a href="{}">{}</a>', reverse("dialogue_admin:moderate", args=[comment.pk]), _("Moderieren"))


class CommentViewSet(SnippetViewSet):
    model = Comment
    icon = "comment"
    menu_label = _("Kommentare")
    ordering = ["-created_at"]
    list_display = [
        Column("excerpt", label=_("Kommentar"), accessor=lambda c: str(c)),
        "page",
        "anchor_label",
        "role",
        Column("status", label=_("Status"), accessor=lambda c: c.get_status_display()),
        "created_at",
        "cycle",
        Column("actions", label=_("Aktionen"), accessor=moderation_link),
    ]
    list_filter = ["status", "role", "page", "cycle", "anchor"]
    search_fields = ["text", "display_name", "answer"]
    index_view_class = CommentIndexView
    inspect_view_enabled = True
    inspect_view_fields = ["page", "anchor_label", "text", "display_name", "role", "status", "cycle", "created_at", "confirmed_at",
                           "moderated_at", "reject_reason", "answer", "answered_at", "links_allowed"]


class DialogueClosureViewSet(SnippetViewSet):
    model = DialogueClosure
    icon = "lock"
    menu_label = _("Geschlossene Dialoge")
    list_display = ["cycle", "page", "note", "closed_at"]


class DialogueGroup(SnippetViewSetGroup):
    menu_label = _("Dialog")
    menu_icon = "comment"
    menu_order = 260
    items = (CommentViewSet, DialogueClosureViewSet)


register_snippet(DialogueGroup)


@hooks.register("register_admin_urls")
def register_dialogue_admin_urls():
    urls = [
        path("kommentare/<int:pk>/moderieren/", admin_views.moderate, name="moderate"),
        path("kommentare/export.csv", admin_views.export_csv, name="export"),
    ]
    return [path("dialog/", include((urls, "dialogue_admin")))]
