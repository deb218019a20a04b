"""Medienstudio workshops: what is offered, its dates, and the bookings of schools."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

MEDIENSTUDIO_ADDRESS = "Medienstudio im Medienzentrum Bochum, Universitätsstraße 43–49, 44789 Bochum"


def seats_text(n: int) -> str:
    """German count of seats: "1 Platz", "3 Plätze"."""
    return "1 Platz" if n == 1 else f"{n} Plätze"


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

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:100]
        super().save(*args, **kwargs)

    @property
    def location(self) -> str:
        return MEDIENSTUDIO_ADDRESS if self.place == self.Place.STUDIO else "Online (der Zugangslink kommt per E-Mail)"


class WorkshopSessionQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(start__gte=timezone.now(), cancelled_at__isnull=True)

    def with_seats(self):
        return self.annotate(
            confirmed_seats=Sum("bookings__seats", filter=Q(bookings__status=Booking.Status.CONFIRMED), default=0),
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

    def free_seats(self) -> int:
        taken = getattr(self, "confirmed_seats", None)
        if taken is None:
            taken = self.confirmed_seat_count()
        return max(0, self.capacity - taken)


def new_token_nonce() -> str:
    return secrets.token_urlsafe(16)


class Booking(models.Model):
    """Seats a school booked for a date, or its place on the waiting list."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("bestätigt")
        WAITING = "waiting", _("Warteliste")
        CANCELLED = "cancelled", _("storniert")
        SESSION_CANCELLED = "session_cancelled", _("Termin abgesagt")

    session = models.ForeignKey(WorkshopSession, verbose_name=_("Termin"), on_delete=models.CASCADE, related_name="bookings")
    school_id = models.CharField(_("Schulnummer"), max_length=40)
    school_name = models.CharField(_("Schule"), max_length=200)
    contact_name = models.CharField(_("Ansprechperson"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    seats = models.PositiveIntegerField(_("Plätze"))
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("Gebucht am"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("Bestätigt am"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("Storniert am"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("Erinnerung gesendet am"), null=True, blank=True)
    erased_at = models.DateTimeField(_("Personendaten gelöscht am"), null=True, blank=True)
    token_nonce = models.CharField(max_length=40, default=new_token_nonce, editable=False)

    # Seats and status change only through the booking service (portal/workshops/booking.py),
    # which keeps capacity and the waiting list right; staff may correct the contact.
    panels = [
        FieldPanel("session", read_only=True),
        FieldPanel("school_name", read_only=True),
        FieldPanel("seats", read_only=True),
        FieldPanel("status", read_only=True),
        FieldPanel("contact_name"),
        FieldPanel("email"),
    ]

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("Buchung")
        verbose_name_plural = _("Buchungen")
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self):
        return f"{self.school_name} ({self.seats}) – {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.CONFIRMED, self.Status.WAITING)

    def waiting_position(self) -> int | None:
        if self.status != self.Status.WAITING:
            return None
        earlier = self.session.bookings.filter(status=self.Status.WAITING).filter(
            Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, id__lt=self.id)
        )
        return earlier.count() + 1


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
