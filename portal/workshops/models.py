"""Medienstudio workshops: what is offered, its dates, and the bookings of schools."""

from __future__ import annotations

import secrets
import unicodedata
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel


def medienstudio_address() -> str:
    """Where a workshop in the Medienstudio takes place, from the content pack (site.yaml, ``medienzentrum``)."""
    from portal.plan.identity import site_identity

    return site_identity().studio_address


def seats_text(n: int) -> str:
    """A count of seats in the active language: "1 Platz", "3 Plätze" ("1 seat", "3 seats")."""
    return ngettext("%(n)d Platz", "%(n)d Plätze", n) % {"n": n}


def with_seats_text(n: int) -> str:
    """The count after "mit" (German dative): "mit 1 Platz", "mit 3 Plätzen" ("with 3 seats")."""
    return ngettext("mit %(n)d Platz", "mit %(n)d Plätzen", n) % {"n": n}


def per_school_message(limit: int) -> str:
    """The refusal of more seats than one school may take, with ``%(n)s`` left for the limit."""
    return ngettext(
        "Eine Schule kann für diesen Termin höchstens %(n)s Platz buchen.",
        "Eine Schule kann für diesen Termin höchstens %(n)s Plätze buchen.",
        limit,
    )


def lines(text: str) -> list[str]:
    """The non-empty lines of a text field that holds one entry per line (names, addresses)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# Unicode categories of line breaks, tabs and other control characters.
CONTROL_CATEGORIES = ("Cc", "Zl", "Zp")


def has_control_characters(text: str) -> bool:
    """Line breaks, tabs and other control characters, which must not reach a mail header."""
    return any(unicodedata.category(c) in CONTROL_CATEGORIES for c in text)


class WorkshopTopic(models.Model):
    """A topic a reader can filter by, such as Robotik."""

    name = models.CharField(_("Name"), max_length=80, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True, help_text=_("für Filteradressen, z. B. robotik"))

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("Workshop-Thema")
        verbose_name_plural = _("Workshop-Themen")

    def __str__(self):
        return self.name


class Workshop(models.Model):
    """A workshop of the Medienstudio that an editor offers on one or more dates."""

    class TargetGroup(models.TextChoices):
        PRIMARY = "grundschule", _("Lehrkräfte an Grundschulen")
        SECONDARY = "weiterfuehrend", _("Lehrkräfte an weiterführenden Schulen")
        ALL = "alle", _("Lehrkräfte aller Schulformen")

    class Place(models.TextChoices):
        STUDIO = "medienstudio", _("Medienstudio")
        ONLINE = "online", _("Online")

    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=100, unique=True)
    is_example = models.BooleanField(
        _("Beispiel"), default=False, help_text=_("Wird öffentlich als Beispiel gekennzeichnet (Demo-Inhalte).")
    )
    description = models.TextField(_("Beschreibung"))
    topics = models.ManyToManyField(WorkshopTopic, verbose_name=_("Themen"), blank=True, related_name="workshops")
    target_group = models.CharField(_("Zielgruppe"), max_length=20, choices=TargetGroup.choices, default=TargetGroup.PRIMARY)
    place = models.CharField(_("Ort"), max_length=20, choices=Place.choices, default=Place.STUDIO)
    duration_minutes = models.PositiveIntegerField(_("Dauer in Minuten"), default=120)
    related_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Zugehöriges Partnerangebot oder Kapitel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("is_example"),
        FieldPanel("description"),
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        FieldRowPanel([FieldPanel("target_group"), FieldPanel("place"), FieldPanel("duration_minutes")]),
        FieldPanel("related_page"),
    ]

    class Meta:
        ordering = ["title"]
        verbose_name = _("Workshop")
        verbose_name_plural = _("Workshops")

    def __str__(self):
        return self.title

    def clean(self):
        if self.title and has_control_characters(self.title):
            # The title is part of every booking mail's subject, a header.
            raise ValidationError({"title": _("Der Titel darf keine Zeilenumbrüche oder Steuerzeichen enthalten; er steht im Betreff der E-Mails.")})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:100]
        super().save(*args, **kwargs)

    @property
    def location(self) -> str:
        return medienstudio_address() if self.place == self.Place.STUDIO else str(_("Online (der Zugangslink kommt per E-Mail)"))


class WorkshopSessionQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(start__gte=timezone.now(), cancelled_at__isnull=True)

    def with_seats(self, now=None):
        """Seats confirmed, held by bookings awaiting confirmation, and waiting; read at ``now``, swept or not."""
        now = now or timezone.now()
        return self.annotate(
            confirmed_seats=Sum("bookings__seats", filter=Q(bookings__status=Booking.Status.CONFIRMED), default=0),
            held_seats=Sum("bookings__seats", filter=holding_seats_q(now, "bookings__"), default=0),
            waiting_seats=Sum("bookings__seats", filter=Q(bookings__status=Booking.Status.WAITING), default=0),
        )


class WorkshopSession(models.Model):
    """One date of a workshop: when, how many seats, how many one school may take, when booking is open."""

    workshop = models.ForeignKey(Workshop, verbose_name=_("Workshop"), on_delete=models.CASCADE, related_name="sessions")
    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"), blank=True, help_text=_("leer: Beginn plus Dauer des Workshops"))
    capacity = models.PositiveIntegerField(_("Plätze"), default=16)
    max_seats_per_school = models.PositiveIntegerField(_("Plätze je Schule höchstens"), default=2)
    booking_opens = models.DateTimeField(_("Buchung möglich ab"), null=True, blank=True, help_text=_("leer: sofort"))
    booking_closes = models.DateTimeField(_("Buchung möglich bis"), null=True, blank=True, help_text=_("leer: bis zum Beginn"))
    cancelled_at = models.DateTimeField(_("Abgesagt am"), null=True, blank=True, editable=False)

    objects = WorkshopSessionQuerySet.as_manager()

    panels = [
        FieldPanel("workshop"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("max_seats_per_school")]),
        MultiFieldPanel([FieldPanel("booking_opens"), FieldPanel("booking_closes")], heading=_("Buchungszeitraum")),
    ]

    class Meta:
        ordering = ["start"]
        verbose_name = _("Workshop-Termin")
        verbose_name_plural = _("Workshop-Termine")

    def __str__(self):
        return f"{self.workshop.title} – {timezone.localtime(self.start):%d.%m.%Y %H:%M}"

    def clean(self):
        if self.end is None and self.start and self.workshop_id:
            self.end = self.start + timedelta(minutes=self.workshop.duration_minutes)
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("Das Ende muss nach dem Beginn liegen.")})
        if self.capacity is not None and self.max_seats_per_school is not None and self.max_seats_per_school > self.capacity:
            raise ValidationError({"max_seats_per_school": _("Eine Schule kann nicht mehr Plätze nehmen, als es gibt.")})
        if self.pk and self.capacity is not None:
            check_capacity(self.capacity, self.confirmed_seat_count())
        if self.booking_opens and self.booking_closes and self.booking_closes <= self.booking_opens:
            raise ValidationError({"booking_closes": _("Der Buchungsschluss muss nach dem Buchungsbeginn liegen.")})

    def save(self, *args, **kwargs):
        if self.end is None:
            self.end = self.start + timedelta(minutes=self.workshop.duration_minutes)
        super().save(*args, **kwargs)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def closes_at(self):
        return self.booking_closes or self.start

    def booking_state(self, now=None) -> str:
        """'open', 'not_yet', 'closed' or 'cancelled'."""
        now = now or timezone.now()
        if self.is_cancelled:
            return "cancelled"
        if self.booking_opens and now < self.booking_opens:
            return "not_yet"
        if now >= self.closes_at:
            return "closed"
        return "open"

    def confirmed_seat_count(self) -> int:
        return self.bookings.filter(status=Booking.Status.CONFIRMED).aggregate(n=Sum("seats", default=0))["n"]

    def taken_seat_count(self, now=None) -> int:
        """Confirmed seats plus those held by bookings still awaiting confirmation; expired holds count for nothing."""
        now = now or timezone.now()
        return self.bookings.filter(seat_taking_q(now)).aggregate(n=Sum("seats", default=0))["n"]

    def free_seats(self) -> int:
        confirmed, held = getattr(self, "confirmed_seats", None), getattr(self, "held_seats", None)
        taken = self.taken_seat_count() if confirmed is None or held is None else confirmed + held
        return max(0, self.capacity - taken)


def check_capacity(capacity: int, confirmed: int) -> None:
    """Staff may not take away seats that are already confirmed to schools."""
    if capacity < confirmed:
        raise ValidationError({"capacity": ngettext(
            "Für diesen Termin ist schon %(seats)s bestätigt; so viele Plätze muss er mindestens haben. "
            "Stornieren Sie zuerst einzelne Buchungen, wenn es weniger werden sollen.",
            "Für diesen Termin sind schon %(seats)s bestätigt; so viele Plätze muss er mindestens haben. "
            "Stornieren Sie zuerst einzelne Buchungen, wenn es weniger werden sollen.",
            confirmed,
        ) % {"seats": seats_text(confirmed)}})


def new_token_nonce() -> str:
    return secrets.token_urlsafe(16)


def holding_seats_q(now, prefix: str = "") -> Q:
    """Pending bookings whose hold on seats has not expired yet (the read-time rule; no sweep needed)."""
    return Q(**{f"{prefix}status": "pending", f"{prefix}queued": False, f"{prefix}expires_at__gt": now})


def seat_taking_q(now) -> Q:
    """Bookings that take seats at ``now``: confirmed, or pending with a live hold."""
    return Q(status="confirmed") | holding_seats_q(now)


def queue_q(now) -> Q:
    """Bookings that have a place in the waiting list at ``now``: waiting, or pending with a live hold on a place."""
    return Q(status="waiting") | Q(status="pending", queued=True, expires_at__gt=now)


class Booking(models.Model):
    """Seats a school booked for a date, or its place on the waiting list."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet auf Bestätigung")
        CONFIRMED = "confirmed", _("bestätigt")
        WAITING = "waiting", _("Warteliste")
        CANCELLED = "cancelled", _("storniert")
        SESSION_CANCELLED = "session_cancelled", _("Termin abgesagt")
        LAPSED = "lapsed", _("verfallen (nicht bestätigt)")

    session = models.ForeignKey(WorkshopSession, verbose_name=_("Termin"), on_delete=models.CASCADE, related_name="bookings")
    school_id = models.CharField(_("Schulnummer"), max_length=40)
    school_name = models.CharField(_("Schule"), max_length=200)
    contact_name = models.CharField(_("Ansprechperson"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    # Personal data like name and email: erased with them (retention.py).
    participant_names = models.TextField(_("Namen der Teilnehmenden"), blank=True, help_text=_("freiwillig, ein Name je Zeile"))
    extra_emails = models.TextField(
        _("Weitere E-Mail-Adressen"), blank=True,
        help_text=_("eine je Zeile; erhalten die Bestätigung und die Kalenderdatei ebenfalls"),
    )
    seats = models.PositiveIntegerField(_("Plätze"))
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("Gebucht am"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("Bestätigt am"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("Storniert am"), null=True, blank=True)
    expires_at = models.DateTimeField(
        _("Bestätigung möglich bis"), null=True, blank=True,
        help_text=_("Bis dahin hält eine unbestätigte Buchung ihre Plätze oder ihren Platz auf der Warteliste."),
    )
    queued = models.BooleanField(
        _("Auf der Warteliste angefragt"), default=False,
        help_text=_("Bei unbestätigten Buchungen: hält einen Platz auf der Warteliste statt Sitzplätzen."),
    )
    reminder_sent_at = models.DateTimeField(_("Erinnerung gesendet am"), null=True, blank=True)
    erased_at = models.DateTimeField(_("Personendaten gelöscht am"), null=True, blank=True)
    token_nonce = models.CharField(max_length=40, default=new_token_nonce, editable=False)
    # The language of the page it was booked on (a code of LANGUAGES): every mail about it, later ones too, is in it.
    language = models.CharField(_("Sprache"), max_length=10, default="de", editable=False)

    # Seats and status change only through the booking service (portal/workshops/booking.py),
    # which keeps capacity and the waiting list right; staff may correct the contact.
    panels = [
        FieldPanel("session", read_only=True),
        FieldPanel("school_name", read_only=True),
        FieldPanel("seats", read_only=True),
        FieldPanel("status", read_only=True),
        FieldPanel("contact_name"),
        FieldPanel("email"),
        FieldPanel("participant_names", read_only=True),
        FieldPanel("extra_emails", read_only=True),
    ]

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("Buchung")
        verbose_name_plural = _("Buchungen")
        indexes = [models.Index(fields=["session", "status"]), models.Index(fields=["status", "expires_at"], name="booking_hold_expiry")]

    def __str__(self):
        return f"{self.school_name} ({self.seats}) – {self.get_status_display()}"

    @property
    def participant_list(self) -> list[str]:
        return lines(self.participant_names)

    @property
    def extra_email_list(self) -> list[str]:
        return lines(self.extra_emails)

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.CONFIRMED, self.Status.WAITING)

    @property
    def holds_place(self) -> bool:
        """Confirmed, waiting or awaiting confirmation: deleting it would skip the waiting list, so staff cancel instead."""
        return self.status in (self.Status.CONFIRMED, self.Status.WAITING, self.Status.PENDING)

    def is_expired(self, now=None) -> bool:
        """A pending booking whose hold ran out, whether or not the sweep has marked it lapsed yet."""
        return self.status == self.Status.PENDING and self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def status_label(self, now=None) -> str:
        """The status as staff read it; a pending booking says whether it holds seats or a waiting-list place."""
        if self.is_expired(now):
            return str(self.Status.LAPSED.label)
        if self.status == self.Status.PENDING:
            return str(_("wartet auf Bestätigung (Warteliste)") if self.queued else _("wartet auf Bestätigung"))
        return self.get_status_display()

    def waiting_position(self) -> int | None:
        """Place in the waiting list, counting pending bookings that hold a place; None if not in the list."""
        now = timezone.now()
        in_queue = self.status == self.Status.WAITING or (self.status == self.Status.PENDING and self.queued and not self.is_expired(now))
        if not in_queue:
            return None
        earlier = self.session.bookings.filter(queue_q(now)).filter(
            Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, id__lt=self.id)
        )
        return earlier.count() + 1


class SchoolEmailDomains(models.Model):
    """The e-mail domains a school books from; when set, the booking form refuses every other address."""

    school_id = models.CharField(
        _("Schulnummer"), max_length=40, unique=True, help_text=_("wie in den Planungsdaten, z. B. S001")
    )
    domains = models.TextField(
        _("Zugelassene Domains"),
        help_text=_(
            "Eine Domain je Zeile, z. B. gs-lindenweg.schule.example. Es gilt genau die eingetragene Domain, "
            "nicht ihre Subdomains; eine Subdomain bitte eigens eintragen."
        ),
    )

    panels = [FieldPanel("school_id"), FieldPanel("domains")]

    class Meta:
        ordering = ["school_id"]
        verbose_name = _("E-Mail-Domains einer Schule")
        verbose_name_plural = _("E-Mail-Domains der Schulen")

    def __str__(self):
        return f"{self.school_id}: {', '.join(self.domain_list())}"

    def domain_list(self) -> list[str]:
        from .domains import parse_domains

        return parse_domains(self.domains)[0]

    def clean(self):
        from .domains import parse_domains
        from .schools import available_schools

        domains, invalid = parse_domains(self.domains)
        if invalid:
            raise ValidationError({"domains": _("Keine gültige Domain: %(entries)s") % {"entries": ", ".join(invalid)}})
        if not domains:
            raise ValidationError({"domains": _("Bitte tragen Sie mindestens eine Domain ein.")})
        self.domains = "\n".join(domains)
        if self.school_id and self.school_id not in dict(available_schools()):
            raise ValidationError({"school_id": _("Diese Schulnummer steht nicht in der Liste der Schulen, die buchen können.")})


class HousekeepingRun(models.Model):
    """One run of the workshop housekeeping (lapse, erase, remind): when it ran, what it did, what failed."""

    class Trigger(models.TextChoices):
        TRAFFIC = "traffic", _("durch Seitenaufrufe angestoßen")
        COMMAND = "command", _("Befehl run_housekeeping")

    trigger = models.CharField(_("Anlass"), max_length=20, choices=Trigger.choices)
    # Set only for runs started by traffic: unique, so one worker claims each interval.
    interval_start = models.DateTimeField(_("Intervall ab"), null=True, blank=True, unique=True)
    enqueued_at = models.DateTimeField(_("Eingeplant am"), default=timezone.now)
    started_at = models.DateTimeField(_("Begonnen am"), null=True, blank=True)
    finished_at = models.DateTimeField(_("Beendet am"), null=True, blank=True)
    lapsed = models.PositiveIntegerField(_("Verfallene Buchungen"), default=0)
    erased = models.PositiveIntegerField(_("Gelöschte Personendaten"), default=0)
    reminders = models.PositiveIntegerField(_("Gesendete Erinnerungen"), default=0)
    error = models.TextField(_("Fehler"), blank=True)

    class Meta:
        ordering = ["-enqueued_at", "-id"]
        verbose_name = _("Datenpflege-Lauf")
        verbose_name_plural = _("Datenpflege-Läufe")

    def __str__(self):
        return f"{self.get_trigger_display()} – {timezone.localtime(self.enqueued_at):%d.%m.%Y %H:%M}"
