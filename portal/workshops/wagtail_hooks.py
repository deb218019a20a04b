"""The Medienzentrum's screens: workshops, dates with bookings and waiting list, declared rather than written."""

from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, InspectView, SnippetViewSet, SnippetViewSetGroup

from . import admin_views
from .models import Booking, SchoolEmailDomains, Workshop, WorkshopSession, WorkshopTopic
from .schools import available_schools


class WorkshopTopicViewSet(SnippetViewSet):
    model = WorkshopTopic
    icon = "tag"
    menu_label = _("Themen")
    list_display = ["name", "slug"]
    search_fields = ["name"]


class WorkshopViewSet(SnippetViewSet):
    model = Workshop
    icon = "group"
    ordering = ["title"]
    list_display = ["title", "target_group", "place", "is_example"]
    list_filter = ["target_group", "place", "topics"]
    search_fields = ["title", "description"]


class WorkshopSessionViewSet(SnippetViewSet):
    model = WorkshopSession
    icon = "date"
    menu_label = _("Termine")
    ordering = ["-start"]
    list_display = [
        "workshop",
        "start",
        "capacity",
        Column("confirmed_seats", label=_("Bestätigte Plätze")),
        Column("held_seats", label=_("Unbestätigt gehaltene Plätze")),
        Column("waiting_seats", label=_("Plätze auf der Warteliste")),
        Column("actions", label=_("Aktionen"), accessor=lambda session: staff_actions(session)),
    ]
    list_filter = ["workshop"]
    list_per_page = 50
    edit_view_class = admin_views.SessionEditView

    def get_queryset(self, request):
        return WorkshopSession.objects.with_seats().select_related("workshop")


class BookingPermissionPolicy(ModelPermissionPolicy):
    """An active booking is never offered for deletion: cancelling it is what moves the waiting list up."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and instance.holds_place:
            return False
        return super().user_has_permission_for_instance(user, action, instance)


register_permission_policy(Booking, BookingPermissionPolicy(Booking))


class BookingIndexView(IndexView):
    def get_delete_url(self, instance):
        return None if instance.holds_place else super().get_delete_url(instance)


class BookingInspectView(InspectView):
    def get_delete_url(self):
        return None if self.object.holds_place else super().get_delete_url()


class BookingViewSet(SnippetViewSet):
    model = Booking
    icon = "user"
    menu_label = _("Buchungen und Warteliste")
    ordering = ["session", "status", "created_at"]
    list_display = [
        "school_name",
        "session",
        "seats",
        Column("status", label=_("Status"), accessor=lambda booking: booking.status_label()),
        "contact_name",
        "created_at",
        Column("actions", label=_("Aktionen"), accessor=lambda booking: booking_actions(booking)),
    ]
    list_filter = ["status", "session"]
    search_fields = ["school_name", "contact_name", "email"]
    inspect_view_enabled = True
    index_view_class = BookingIndexView
    inspect_view_class = BookingInspectView


class SchoolEmailDomainsViewSet(SnippetViewSet):
    """Staff keep each school's official mail domains; the booking form then refuses other addresses."""

    model = SchoolEmailDomains
    icon = "mail"
    menu_label = _("E-Mail-Domains der Schulen")
    list_display = [
        "school_id",
        Column("school", label=_("Schule"), accessor=lambda entry: dict(available_schools()).get(entry.school_id, "–")),
        Column("domains", label=_("Zugelassene Domains"), accessor=lambda entry: ", ".join(entry.domain_list())),
    ]
    search_fields = ["school_id", "domains"]


class WorkshopGroup(SnippetViewSetGroup):
    menu_label = _("Workshops")
    menu_icon = "group"
    menu_order = 250
    items = (WorkshopSessionViewSet, BookingViewSet, WorkshopViewSet, WorkshopTopicViewSet, SchoolEmailDomainsViewSet)


register_snippet(WorkshopGroup)


def staff_actions(session) -> str:
    bookings = reverse("wagtailsnippets_workshops_booking:list") + f"?session={session.pk}"
    csv_url = reverse("workshops_admin:attendees", args=[session.pk])
    if session.is_cancelled:
        return format_html('<a href="{}">{}</a> · {}', bookings, _("Buchungen"), _("abgesagt"))
    cancel = reverse("workshops_admin:cancel_session", args=[session.pk])
    return format_html(
        '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
        bookings,
        _("Buchungen und Warteliste"),
        csv_url,
        _("Teilnehmerliste (CSV)"),
        cancel,
        _("Termin absagen"),
    )


def booking_actions(booking) -> str:
    if not booking.is_active:
        return ""
    return format_html('<a href="{}">{}</a>', reverse("workshops_admin:cancel_booking", args=[booking.pk]), _("Stornieren"))


hooks.register("before_delete_snippet", admin_views.refuse_deleting_active_bookings)


@hooks.register("register_admin_urls")
def register_workshop_admin_urls():
    from django.urls import include

    urls = [
        path("termine/<int:pk>/teilnehmerliste.csv", admin_views.export_attendees, name="attendees"),
        path("termine/<int:pk>/absagen/", admin_views.cancel_session, name="cancel_session"),
        path("buchungen/<int:pk>/stornieren/", admin_views.cancel_booking, name="cancel_booking"),
    ]
    return [path("workshops/", include((urls, "workshops_admin")))]


@hooks.register("construct_homepage_panels")
def add_housekeeping_panel(request, panels):
    from .dashboard import panel_for

    panel = panel_for(request)
    if panel is not None:
        panels.append(panel)
