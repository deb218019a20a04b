"""The comment form and the moderators' forms; every wrong or missing field gets a German message at the field."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from portal.honeypot import HoneypotMixin

from .models import RejectReason, Role


class CommentForm(HoneypotMixin, forms.Form):
    anchor = forms.ChoiceField(
        label=_("Worauf bezieht sich Ihr Kommentar?"),
        required=False,
        error_messages={"invalid_choice": _("Bitte wählen Sie einen Absatz oder ein Ziel aus der Liste oder „Das ganze Kapitel“.")},
    )
    text = forms.CharField(
        label=_("Ihr Kommentar"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Bitte schreiben Sie Ihren Kommentar.")},
    )
    display_name = forms.CharField(
        label=_("Angezeigter Name (freiwillig)"),
        help_text=_("Erscheint über Ihrem Kommentar. Leer: nur Ihre Rolle wird angezeigt."),
        required=False,
        max_length=80,
        error_messages={"max_length": _("Der Name darf höchstens %(limit_value)d Zeichen lang sein (jetzt %(show_value)d).")},
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    role = forms.ChoiceField(
        label=_("Sie schreiben als"),
        error_messages={"required": _("Bitte wählen Sie, als wer Sie schreiben."), "invalid_choice": _("Bitte wählen Sie eine Rolle aus der Liste.")},
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_("Nur für den Bestätigungslink und eine Nachricht der Moderation; sie wird nie angezeigt."),
        error_messages={
            "required": _("Bitte geben Sie Ihre E-Mail-Adresse an; an sie schicken wir den Link, mit dem Sie den Kommentar bestätigen."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@beispiel.de."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = dict(targets)
        self.fields["anchor"].choices = [("", _("Das ganze Kapitel")), *targets]
        self.fields["role"].choices = [("", _("– Bitte wählen –")), *Role.choices]
        limit = settings.MEP_DIALOGUE_MAX_LENGTH
        text = self.fields["text"]
        text.max_length = limit
        text.widget.attrs["maxlength"] = limit
        text.help_text = _("Höchstens %(limit)s Zeichen, nur Text. Adressen werden nicht als Links angezeigt.") % {"limit": limit}
        text.validators.append(MaxLengthValidator(limit))
        text.error_messages["max_length"] = _(
            "Ihr Kommentar ist zu lang: höchstens %(limit_value)d Zeichen, jetzt %(show_value)d. Bitte kürzen Sie ihn."
        )

    @property
    def anchor_label(self) -> str:
        return self.targets.get(self.cleaned_data.get("anchor") or "", "")


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Grund (geht an die Autorin oder den Autor)"),
        choices=RejectReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie einen Grund.")},
    )


class ReleaseForm(forms.Form):
    links_allowed = forms.BooleanField(label=_("Adressen im Kommentar als Links anzeigen"), required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Antwort der Redaktion"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        error_messages={"required": _("Bitte schreiben Sie eine Antwort."), "max_length": _("Die Antwort darf höchstens %(limit_value)d Zeichen lang sein (jetzt %(show_value)d).")},
    )
