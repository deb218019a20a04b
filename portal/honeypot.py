"""The honeypot of the public forms (a comment, a booking): a field people never see, simple bots fill it in.

The stylesheet hides it (``.hp-field`` in static/css/mep.css); templates/includes/honeypot.html shows it.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

FIELD = "website"


class HoneypotMixin:
    """Adds the honeypot as the form's last field; ``is_bot()`` says whether it came back filled in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = forms.CharField(
            label=_("Bitte dieses Feld leer lassen"),
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix(FIELD), "").strip())
