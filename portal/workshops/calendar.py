"""Workshop dates as iCalendar (RFC 5545): the feed of all dates and one .ics per date."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from portal.plan.identity import site_identity

from .models import WorkshopSession


def public_base_url(base_url: str | None = None) -> str:
    """Where links in e-mails and calendars point: the configured public address when there is one.

    It wins over ``base_url`` (the host a request named), so a mail never carries a proxy's
    internal name or a forged Host; without it (the demo) the request's host, then WAGTAILADMIN_BASE_URL.
    """
    configured = getattr(settings, "MEP_PUBLIC_BASE_URL", "")
    return (configured or base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def calendar_for(sessions, *, base_url: str | None = None, name: str | None = None) -> bytes:
    """The dates as a calendar in the active language (a mail's attachment: the booking's language)."""
    cal = Calendar()
    cal.add("prodid", "-//living-mep//Medienentwicklungsplan Workshops//DE")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name or _("Workshops im %(studio)s") % {"studio": site_identity().studio})
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for session in sessions:
        cal.add_component(session_event(session, base_url=base_url))
    return cal.to_ical()


def session_event(session: WorkshopSession, *, base_url: str | None = None) -> Event:
    base = public_base_url(base_url)
    workshop = session.workshop
    url = base + reverse("workshops:session", args=[session.pk])
    event = Event()
    event.add("uid", f"workshop-termin-{session.pk}@{urlsplit(base).hostname or 'mep'}")
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", session.start.astimezone(UTC))
    event.add("dtend", session.end.astimezone(UTC))
    title = _("%(title)s (Beispiel)") % {"title": workshop.title} if workshop.is_example else workshop.title
    event.add("summary", title)
    event.add("description", f"{workshop.description}\n\n{url}")
    event.add("location", workshop.location)
    event.add("url", url)
    if session.is_cancelled:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event
