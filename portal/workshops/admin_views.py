"""Two staff actions per date that Wagtail's viewsets do not declare: the attendee CSV and calling the date off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import booking as service
from .attendees import attendee_csv
from .models import Booking, WorkshopSession


@permission_required("workshops.view_booking", raise_exception=True)
def export_attendees(request, pk):
    session = get_object_or_404(WorkshopSession.objects.select_related("workshop"), pk=pk)
    response = HttpResponse(attendee_csv(session), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="teilnehmerliste-termin-{session.pk}.csv"'
    return response


@permission_required("workshops.change_workshopsession", raise_exception=True)
@require_http_methods(["GET", "POST"])
def cancel_session(request, pk):
    session = get_object_or_404(WorkshopSession.objects.select_related("workshop"), pk=pk)
    if request.method == "POST" and not session.is_cancelled:
        try:
            notified = service.cancel_session(session.pk)
        except service.DateBusy as busy:
            messages.error(request, busy.message)
            return redirect("workshops_admin:cancel_session", session.pk)
        messages.success(
            request,
            _("Der Termin „%(session)s“ ist abgesagt; %(count)d Buchungen wurden per E-Mail benachrichtigt.")
            % {"session": session, "count": len(notified)},
        )
        return redirect("wagtailsnippets_workshops_workshopsession:list")
    active = session.bookings.filter(status__in=[Booking.Status.CONFIRMED, Booking.Status.WAITING])
    return TemplateResponse(
        request,
        "workshops/admin/cancel_session.html",
        {"session": session, "active": active, "header_title": "Termin absagen"},
    )


@permission_required("workshops.change_booking", raise_exception=True)
@require_http_methods(["GET", "POST"])
def cancel_booking(request, pk):
    """Cancel on a school's behalf (say, by phone): seats go to the waiting list as with the email link."""
    booking = get_object_or_404(Booking.objects.select_related("session__workshop"), pk=pk)
    if request.method == "POST" and booking.is_active:
        try:
            service.cancel_booking(booking.pk, booking.token_nonce, base_url=None)
        except service.CancellationRefused:
            messages.error(request, _("Diese Buchung ist nicht mehr aktiv."))
        except service.DateBusy as busy:
            messages.error(request, busy.message)
        else:
            messages.success(request, _("Die Buchung von %(school)s ist storniert.") % {"school": booking.school_name})
        return redirect(reverse("wagtailsnippets_workshops_booking:list") + f"?session={booking.session_id}")
    return TemplateResponse(
        request, "workshops/admin/cancel_booking.html", {"booking": booking, "header_title": "Buchung stornieren"}
    )
