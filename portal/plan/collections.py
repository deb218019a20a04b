"""The structured collections a chapter can show in place, in the active locale."""

from django.db.models import Prefetch
from wagtail.models import Locale

from .snippets import (
    Actor,
    ActorGroup,
    ContentField,
    CycleStep,
    Endnote,
    LinkEntry,
    Milestone,
    StrategicElement,
    StrategicLevel,
)


def _localized(model):
    """Objects in the active locale, falling back to the default locale if none are translated."""
    active = Locale.get_active()
    qs = model.objects.filter(locale=active)
    if not qs.exists():
        qs = model.objects.filter(locale=Locale.get_default())
    return qs


def items(name: str):
    if name == "milestones":
        return _localized(Milestone).order_by("year", "month")
    if name == "actors":
        return _localized(ActorGroup).prefetch_related(Prefetch("actors", queryset=Actor.objects.order_by("sort_order")))
    if name == "cycle":
        return _localized(CycleStep).order_by("number")
    if name == "content_fields":
        return _localized(ContentField).order_by("sort_order")
    if name == "strategic_paths":
        return _localized(StrategicLevel).prefetch_related(
            Prefetch("elements", queryset=StrategicElement.objects.order_by("sort_order"))
        )
    if name == "links":
        return _localized(LinkEntry).order_by("sort_order", "title")
    if name == "endnotes":
        return _localized(Endnote).order_by("number")
    if name == "partner_offers":
        from .models import PartnerOfferPage

        return PartnerOfferPage.objects.live().public().filter(locale=Locale.get_active()).order_by("path")
    raise ValueError(f"Unbekannte Sammlung: {name}")
