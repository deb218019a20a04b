"""Public pages: upcoming dates, a date's details, the booking form, iCal, confirming and cancelling by link."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Min, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import booking as service
from .calendar import calendar_for
from .forms import BookingForm, CancelForm
from .models import Booking, Workshop, WorkshopSession, WorkshopTopic, medienstudio_address
from .ratelimit import allow_booking_attempt, allow_booking_for
from .tokens import read_cancel_token, read_confirm_token, read_receipt_token, receipt_token


def with_next_hold_expiry(sessions, now):
    """When the next seat held for an unconfirmed booking falls free (it counts no more from then on)."""
    pending = Q(bookings__status=Booking.Status.PENDING, bookings__expires_at__gt=now)
    return sessions.annotate(next_hold_expiry=Min("bookings__expires_at", filter=pending))


def fresh_until(response, moments, now):
    """Say how long the page stays true without any event: until a date starts, booking opens or closes, or a hold ends.

    The page cache (portal/response_cache.py) keeps the page no longer, and a browser or proxy neither.
    """
    future = [moment for moment in moments if moment is not None and moment > now]
    if future:
        patch_cache_control(response, max_age=max(1, int((min(future) - now).total_seconds())))
    return response


def _moments(session):
    return [session.start, session.booking_opens, session.closes_at, getattr(session, "next_hold_expiry", None)]


def session_list(request):
    now = timezone.now()
    sessions = with_next_hold_expiry(
        WorkshopSession.objects.upcoming().with_seats(now).select_related("workshop").prefetch_related("workshop__topics"),
        now,
    ).order_by("start", "pk")  # date order, stated: aggregating queries do not rely on Meta.ordering
    topic = request.GET.get("thema", "")
    group = request.GET.get("zielgruppe", "")
    if topic:
        sessions = sessions.filter(workshop__topics__slug=topic)
    if group in Workshop.TargetGroup.values:
        groups = {group, Workshop.TargetGroup.ALL} if group != Workshop.TargetGroup.ALL else {group}
        sessions = sessions.filter(workshop__target_group__in=groups)
    response = render(
        request,
        "workshops/session_list.html",
        {
            "sessions": sessions,
            "topics": WorkshopTopic.objects.filter(workshops__isnull=False).distinct(),
            "target_groups": Workshop.TargetGroup.choices,
            "selected_topic": topic,
            "selected_group": group,
            "filtered": bool(topic or group),
        },
    )
    return fresh_until(response, [moment for session in sessions for moment in _moments(session)], now)


def session_detail(request, pk):
    now = timezone.now()
    session = get_object_or_404(with_next_hold_expiry(WorkshopSession.objects.with_seats(now), now).select_related("workshop"), pk=pk)
    response = render(request, "workshops/session_detail.html", {"session": session, "state": session.booking_state(now)})
    return fresh_until(response, _moments(session), now)


@never_cache  # a form with this visitor's CSRF token
@require_http_methods(["GET", "POST"])
def book(request, pk):
    session = get_object_or_404(WorkshopSession.objects.with_seats().select_related("workshop"), pk=pk)
    state = session.booking_state()
    if state != "open":
        return render(request, "workshops/session_detail.html", {"session": session, "state": state}, status=409 if request.method == "POST" else 200)
    offer_waitlist = session.free_seats() == 0
    if request.method == "POST":
        if not allow_booking_attempt(request):
            return render(request, "workshops/too_many_requests.html", {"session": session}, status=429)
        form = BookingForm(request.POST, session=session)
        if form.is_bot():
            return render(request, "workshops/refused.html", {"session": session}, status=400)
        if form.is_valid():
            data = form.cleaned_data
            if not allow_booking_for(data["email"], data["school"]):
                return render(request, "workshops/too_many_requests.html", {"session": session}, status=429)
            try:
                booking = service.book(
                    session.pk,
                    service.BookingRequest(
                        school_id=data["school"],
                        school_name=form.school_name,
                        contact_name=data["contact_name"],
                        email=data["email"],
                        seats=data["seats"],
                        join_waitlist=data["join_waitlist"],
                        participant_names=data["participant_names"],
                        extra_emails=data["extra_emails"],
                        language=translation.get_language() or settings.LANGUAGE_CODE,
                    ),
                    base_url=request.build_absolute_uri("/"),
                )
            except service.BookingRefused as refused:
                if refused.code == "closed":
                    session.refresh_from_db()
                    return render(request, "workshops/session_detail.html", {"session": session, "state": session.booking_state(), "message": refused.message}, status=409)
                form.add_error(refused.field, refused.message)
                offer_waitlist = offer_waitlist or refused.code == "full"
            else:
                return redirect("workshops:receipt", token=receipt_token(booking))
    else:
        # A full date: the form is the waiting list's, so the first submit succeeds.
        form = BookingForm(session=session, initial={"join_waitlist": offer_waitlist})
    return render(
        request,
        "workshops/booking_form.html",
        {
            "session": session,
            "form": form,
            "offer_waitlist": offer_waitlist,
            "waitlist_form": session.free_seats() == 0,
            "erasure_days": settings.MEP_WORKSHOP_ERASURE_DAYS,
            "confirm_minutes": settings.MEP_BOOKING_CONFIRM_MINUTES,
        },
        status=422 if form.is_bound else 200,
    )


@never_cache  # one visitor's form or booking: never in a shared cache
def receipt(request, token):
    found = read_receipt_token(token)
    booking = Booking.objects.select_related("session__workshop").filter(pk=found[0]).first() if found else None
    if booking is None or booking.token_nonce != found[1]:
        raise Http404(_("Diese Bestätigungsseite ist abgelaufen."))
    return render(request, "workshops/receipt.html", _receipt_context(booking))


def _receipt_context(booking: Booking) -> dict:
    return {
        "booking": booking,
        "session": booking.session,
        "expired": booking.is_expired(),
        "confirm_minutes": settings.MEP_BOOKING_CONFIRM_MINUTES,
    }


@never_cache  # reached by one visitor's link
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The link in the first email: a page with a button, so that a mail scanner opening links confirms nothing."""
    found = read_confirm_token(token)
    if found is None:
        return render(request, "workshops/confirm_invalid.html", {"reason": "unknown"}, status=404)
    if request.method == "POST":
        try:
            booking = service.confirm_booking(*found, base_url=request.build_absolute_uri("/"))
        except service.ConfirmationRefused as refused:
            return _confirm_refused(request, refused.reason, refused.booking)
        return render(request, "workshops/receipt.html", _receipt_context(booking))
    service.lapse_expired_bookings()
    booking = Booking.objects.select_related("session__workshop").filter(pk=found[0]).first()
    if booking is None or booking.token_nonce != found[1]:
        return _confirm_refused(request, "unknown", None)
    reason = service.confirmation_refusal(booking)
    if reason:
        return _confirm_refused(request, reason, booking)
    return render(request, "workshops/confirm.html", {"booking": booking, "session": booking.session})


def _confirm_refused(request, reason: str, booking: Booking | None):
    context = {"reason": reason, "booking": booking, "session": booking.session if booking else None,
               "confirm_minutes": settings.MEP_BOOKING_CONFIRM_MINUTES}
    return render(request, "workshops/confirm_invalid.html", context, status=404 if reason == "unknown" else 410)


@never_cache  # reached by one visitor's link
@require_http_methods(["GET", "POST"])
def cancel(request, token):
    found = read_cancel_token(token)
    booking = Booking.objects.select_related("session__workshop").filter(pk=found[0]).first() if found else None
    if booking is None or booking.token_nonce != found[1] or not booking.is_active:
        return render(request, "workshops/cancel_invalid.html", status=410 if booking else 404)
    if booking.session.start <= timezone.now():
        # The link ends when the date begins: seats freed now would go to nobody in time.
        return render(request, "workshops/cancel_too_late.html", {"session": booking.session, "address": medienstudio_address()}, status=410)
    if request.method == "POST":
        form = CancelForm(request.POST, booking=booking)
        if not form.is_valid():
            context = {"booking": booking, "session": booking.session, "form": form}
            return render(request, "workshops/cancel_confirm.html", context, status=422)
        seats = form.cleaned_data["seats"]
        try:
            booking = service.cancel_booking(
                booking.pk, found[1], seats=seats, absent=form.absent_names(), base_url=request.build_absolute_uri("/")
            )
        except service.CancellationRefused:
            return render(request, "workshops/cancel_invalid.html", status=410)
        except service.DateBusy as busy:
            context = {"booking": booking, "session": booking.session, "message": busy.message, "form": form}
            return render(request, "workshops/cancel_confirm.html", context, status=503)
        except service.BookingRefused as refused:  # the booking changed meanwhile (another tab)
            booking.refresh_from_db()
            form = CancelForm(request.POST, booking=booking)
            form.is_valid()
            form.add_error(refused.field if refused.field in form.fields else "seats", refused.message)
            context = {"booking": booking, "session": booking.session, "form": form}
            return render(request, "workshops/cancel_confirm.html", context, status=422)
        return render(request, "workshops/cancel_done.html", {"booking": booking, "session": booking.session, "freed": seats})
    form = CancelForm(booking=booking)
    return render(request, "workshops/cancel_confirm.html", {"booking": booking, "session": booking.session, "form": form})


def calendar_feed(request):
    now = timezone.now()
    since = now - timedelta(days=30)
    sessions = list(WorkshopSession.objects.filter(start__gte=since).select_related("workshop"))
    response = _ics(calendar_for(sessions, base_url=request.build_absolute_uri("/")), "workshops-medienstudio.ics", inline=True)
    return fresh_until(response, [session.start + timedelta(days=30) for session in sessions], now)  # when a date leaves it


def session_ics(request, pk):
    session = get_object_or_404(WorkshopSession.objects.select_related("workshop"), pk=pk)
    return _ics(calendar_for([session], base_url=request.build_absolute_uri("/")), f"workshop-termin-{session.pk}.ics")


def _ics(content: bytes, filename: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response

