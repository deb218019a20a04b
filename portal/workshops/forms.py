"""The booking form: every wrong or missing field gets a message at the field, in the page's language (German first)."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .domains import address_allowed, allowed_domains, domain_message
from .models import seats_text
from .schools import available_schools


class SchoolSelect(forms.Select):
    """School names are German proper names: on a page in another language each option says so (lang="de")."""

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        if option["value"] and translation.get_language() != "de":
            option["attrs"]["lang"] = "de"
        return option


class BookingForm(forms.Form):
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
            "max_value": _("Eine Schule kann für diesen Termin höchstens %(limit_value)s Plätze buchen."),
        },
        widget=forms.NumberInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    join_waitlist = forms.BooleanField(
        label=_("Falls nicht genug Plätze frei sind: auf die Warteliste setzen"),
        required=False,
    )
    privacy = forms.BooleanField(
        label=_("Ich habe die Datenschutzhinweise gelesen und bin mit der Verarbeitung meiner Angaben für diese Buchung einverstanden."),
        error_messages={"required": _("Bitte bestätigen Sie, dass Sie die Datenschutzhinweise gelesen haben.")},
    )
    # A honeypot: people never see it (hidden by the stylesheet), simple bots fill it in.
    website = forms.CharField(label=_("Bitte dieses Feld leer lassen"), required=False)

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
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean(self):
        data = super().clean()
        school, email = data.get("school"), data.get("email")
        if school and email:
            domains = allowed_domains(school)
            if not address_allowed(email, domains):
                self.add_error("email", domain_message(domains))
        return data

    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website"), "").strip())

    @property
    def school_name(self) -> str:
        return self.schools[self.cleaned_data["school"]]
