"""The booking form: every wrong or missing field gets a message at the field, in the page's language (German first)."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, validate_email
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.honeypot import HoneypotMixin

from .domains import address_allowed, allowed_domains, domain_message
from .models import lines, per_school_message, seats_text
from .schools import available_schools


class SchoolSelect(forms.Select):
    """School names are German proper names: on a page in another language each option says so (lang="de")."""

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        if option["value"] and translation.get_language() != "de":
            option["attrs"]["lang"] = "de"
        return option


class BookingForm(HoneypotMixin, forms.Form):
    school = forms.ChoiceField(
        label=_("Schule"),
        widget=SchoolSelect,
        error_messages={"required": _("Bitte wählen Sie Ihre Schule aus."), "invalid_choice": _("Bitte wählen Sie eine Schule aus der Liste.")},
    )
    contact_name = forms.CharField(
        label=_("Name der Ansprechperson"),
        max_length=200,
        error_messages={"required": _("Bitte geben Sie Ihren Namen an."), "max_length": _("Der Name darf höchstens 200 Zeichen lang sein.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_("An diese Adresse schicken wir den Link, mit dem Sie die Buchung bestätigen, danach die Bestätigung und den Link zum Stornieren."),
        error_messages={
            "required": _("Bitte geben Sie Ihre E-Mail-Adresse an."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@schule.de."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    seats = forms.IntegerField(
        label=_("Anzahl der Plätze"),
        min_value=1,
        error_messages={
            "required": _("Bitte geben Sie an, wie viele Plätze Sie buchen möchten."),
            "invalid": _("Bitte geben Sie die Zahl der Plätze als ganze Zahl an."),
            "min_value": _("Bitte buchen Sie mindestens einen Platz."),
        },
        widget=forms.NumberInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    participant_names = forms.CharField(
        label=_("Namen der Teilnehmenden (freiwillig)"),
        help_text=_("Buchen Sie für Kolleginnen oder Kollegen, tragen Sie hier ihre Namen ein, einen je Zeile."),
        required=False,
        max_length=2000,
        error_messages={"max_length": _("Die Namen dürfen zusammen höchstens 2000 Zeichen lang sein.")},
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
    )
    extra_emails = forms.CharField(
        label=_("Bestätigung auch senden an (freiwillig)"),
        help_text=_("E-Mail-Adressen von Kolleginnen und Kollegen, eine je Zeile: Sie erhalten die Bestätigung und die Kalenderdatei ebenfalls."),
        required=False,
        max_length=2000,
        error_messages={"max_length": _("Die Adressen dürfen zusammen höchstens 2000 Zeichen lang sein.")},
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
    )
    join_waitlist = forms.BooleanField(
        label=_("Falls nicht genug Plätze frei sind: auf die Warteliste setzen"),
        required=False,
    )
    privacy = forms.BooleanField(
        label=_("Ich habe die Datenschutzhinweise gelesen und bin mit der Verarbeitung meiner Angaben für diese Buchung einverstanden."),
        error_messages={"required": _("Bitte bestätigen Sie, dass Sie die Datenschutzhinweise gelesen haben.")},
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.schools = dict(available_schools())
        self.fields["school"].choices = [("", _("– Bitte wählen –")), *self.schools.items()]
        self.fields["school"].widget.attrs["autocomplete"] = "organization"
        seats = self.fields["seats"]
        seats.max_value = session.max_seats_per_school
        seats.widget.attrs.update({"min": 1, "max": session.max_seats_per_school})
        seats.validators.append(MaxValueValidator(session.max_seats_per_school))
        seats.help_text = _("Höchstens %(seats)s je Schule für diesen Termin.") % {"seats": seats_text(session.max_seats_per_school)}
        # Django fills in %(limit_value)s.
        seats.error_messages["max_value"] = per_school_message(session.max_seats_per_school).replace("%(n)s", "%(limit_value)s")

    def clean_participant_names(self) -> list[str]:
        names = lines(self.cleaned_data["participant_names"])
        too_long = next((name for name in names if len(name) > 200), None)
        if too_long:
            raise forms.ValidationError(_("Ein Name darf höchstens 200 Zeichen lang sein („%(name)s…“).") % {"name": too_long[:30]})
        return names

    def clean_extra_emails(self) -> list[str]:
        addresses = lines(self.cleaned_data["extra_emails"].replace(",", "\n").replace(";", "\n"))
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("„%(address)s“ ist keine gültige E-Mail-Adresse. Bitte geben Sie eine Adresse je Zeile an, zum Beispiel name@schule.de.")
                    % {"address": address[:80]}
                ) from None
        unique = {}
        for address in addresses:
            unique.setdefault(address.lower(), address)
        return list(unique.values())

    def clean(self):
        data = super().clean()
        school, email, seats = data.get("school"), data.get("email"), data.get("seats")
        extra = data.get("extra_emails") or []
        if school and email:
            domains = allowed_domains(school)
            if not address_allowed(email, domains):
                self.add_error("email", domain_message(domains))
            if any(not address_allowed(address, domains) for address in extra):
                self.add_error("extra_emails", domain_message(domains))
        if email:
            extra[:] = [address for address in extra if address.lower() != email.lower()]
        if seats:
            if len(data.get("participant_names") or []) > seats:
                self.add_error("participant_names", _("Sie haben mehr Namen angegeben, als Sie Plätze buchen (%(seats)s).") % {"seats": seats_text(seats)})
            if len(extra) > seats:
                self.add_error("extra_emails", _("Sie haben mehr weitere Adressen angegeben, als Sie Plätze buchen (%(seats)s).") % {"seats": seats_text(seats)})
        return data

    @property
    def school_name(self) -> str:
        return self.schools[self.cleaned_data["school"]]


class CancelForm(forms.Form):
    """How many of a booking's seats to give back; all of them unless the visitor chooses fewer."""

    seats = forms.TypedChoiceField(label=_("Wie viele Plätze möchten Sie stornieren?"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, booking, **kwargs):
        super().__init__(*args, **kwargs)
        self.booking = booking
        field = self.fields["seats"]
        field.choices = [(n, seats_text(n)) for n in range(booking.seats, 0, -1)]
        field.initial = booking.seats
        field.error_messages["invalid_choice"] = _("Bitte wählen Sie, wie viele Ihrer %(seats)s Sie stornieren möchten.") % {
            "seats": seats_text(booking.seats)
        }
        names = booking.participant_list
        if booking.seats > 1 and names:
            # giving back seats of named participants: whose names go with them (kept names never outnumber the seats)
            self.fields["absent"] = forms.MultipleChoiceField(
                label=_("Wer kommt nicht?"),
                help_text=_("Die angekreuzten Namen werden aus der Buchung gelöscht."),
                choices=[(str(n), name) for n, name in enumerate(names)],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )

    def clean_seats(self) -> int | None:
        """None (all) when the form sent no number, as a link from an older mail or a one-seat booking does."""
        seats = self.cleaned_data["seats"]
        return None if seats is None or seats >= self.booking.seats else seats

    def absent_names(self) -> list[str]:
        """The names ticked as not coming, as the booking holds them."""
        names = self.booking.participant_list
        return [names[int(n)] for n in self.cleaned_data.get("absent") or ()]
