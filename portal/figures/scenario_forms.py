"""The admin form of a scenario: its fields checked by the engine, each problem shown at its field."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm


class ScenarioForm(WagtailAdminModelForm):
    """Checks the overrides as ``mep compute --scenario`` would, against the cycle's published data set."""

    def clean(self):
        from . import scenarios  # the engine (pandas) only when a scenario is used

        cleaned = super().clean()
        if self.errors or not cleaned.get("cycle"):
            return cleaned
        for name in ("name", "description", "price_increase_pct", "price_base_year", "useful_life_years", "unit_cost_eur", "device_ratio_pct"):
            if name in cleaned:
                setattr(self.instance, name, cleaned[name])
        self.instance.cycle = cleaned["cycle"]
        for field, messages in scenarios.check(self.instance).items():
            self.add_error(field if field in self.fields else None, ValidationError(messages))
        return cleaned

    def save(self, commit=True):
        """Changed assumptions make the computed result stale: it is dropped and the scenario withdrawn until computed again."""
        from . import scenarios  # the engine (pandas) only when a scenario is used

        instance = super().save(commit=False)
        assumptions = {"price_increase_pct", "price_base_year", "useful_life_years", "unit_cost_eur", "device_ratio_pct", "cycle"}
        was_published = instance.published
        if instance.pk and assumptions & set(self.changed_data):
            instance.status, instance.result, instance.published, instance.computed_at = instance.DRAFT, {}, False, None
        if commit:
            instance.save()
            self._save_m2m()
            if was_published and not instance.published:
                scenarios._changed(instance)
        return instance
