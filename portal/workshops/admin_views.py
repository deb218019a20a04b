"""Staff actions Wagtail's viewsets do not declare (attendee CSV, calling a date off, cancelling a booking),
and the guards that keep its own screens inside the booking rules (editing a date, deleting)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from wagtail.snippets.views.snippets import EditView

from . import booking as service
from .attendees import attendee_csv
from .models import Booking, Workshop, WorkshopSession, check_capacity


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
            ngettext(
                "Der Termin „%(session)s“ ist abgesagt; %(count)d Buchung wurde per E-Mail benachrichtigt.",
                "Der Termin „%(session)s“ ist abgesagt; %(count)d Buchungen wurden per E-Mail benachrichtigt.",
                len(notified),
            )
            % {"session": session, "count": len(notified)},
        )
        return redirect("wagtailsnippets_workshops_workshopsession:list")
    active = session.bookings.filter(status__in=[Booking.Status.CONFIRMED, Booking.Status.WAITING])
    return TemplateResponse(
        request,
        "workshops/admin/cancel_session.html",
        {"session": session, "active": active, "header_title": _("Termin absagen")},
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
        request, "workshops/admin/cancel_booking.html", {"booking": booking, "header_title": _("Buchung stornieren")}
    )


class SessionEditView(EditView):
    """Editing a date changes its seats: save with the date locked, refuse fewer seats than are confirmed,
    and give seats a raise frees to the waiting list in order, as a cancellation does."""

    def form_valid(self, form):
        try:
            with service.date_transaction():
                session = service.lock_session(self.object.pk)
                try:
                    # Checked again under the lock: a school may have booked since the form was validated.
                    check_capacity(form.instance.capacity, session.confirmed_seat_count())
                except ValidationError as error:
                    form.add_error(None, error)
                    return self.form_invalid(form)
                response = super().form_valid(form)
                promoted = service.promote_locked_session(self.object)
        except service.DateBusy as busy:
            form.add_error(None, busy.message)
            return self.form_invalid(form)
        if promoted:
            messages.info(
                self.request,
                ngettext(
                    "%(count)d Buchung von der Warteliste ist nachgerückt und wird per E-Mail benachrichtigt.",
                    "%(count)d Buchungen von der Warteliste sind nachgerückt und werden per E-Mail benachrichtigt.",
                    len(promoted),
                )
                % {"count": len(promoted)},
            )
        return response


def refuse_deleting_active_bookings(request, instances):
    """Wagtail's delete (single and bulk) would drop seats without moving the waiting list up or telling anyone."""
    if not instances:
        return None
    model = type(instances[0])
    pks = [instance.pk for instance in instances]
    active = Booking.objects.filter(status__in=(*service.ACTIVE, Booking.Status.PENDING))
    if model is Booking and active.filter(pk__in=pks).exists():
        message = _("Aktive Buchungen lassen sich nicht löschen. Stornieren Sie sie; dann rückt die Warteliste nach "
                    "und die Schule wird benachrichtigt.")
    elif model is WorkshopSession and active.filter(session__in=pks).exists():
        message = _("Termine mit aktiven Buchungen lassen sich nicht löschen. Sagen Sie den Termin zuerst ab; "
                    "dann werden alle Schulen benachrichtigt.")
    elif model is Workshop and active.filter(session__workshop__in=pks).exists():
        message = _("Workshops mit aktiven Buchungen lassen sich nicht löschen. Sagen Sie zuerst ihre Termine ab.")
    else:
        return None
    messages.error(request, message)
    return redirect(reverse(f"wagtailsnippets_workshops_{model._meta.model_name}:list"))
