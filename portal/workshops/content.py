"""Loading the demo workshops (``content/workshops.yaml``) idempotently.

A workshop found by slug is left as editors changed it; dates are created only
together with a new workshop, relative to the day of loading, so the demo
always shows upcoming dates and a second load duplicates nothing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from portal.plan.pack_state import changed_by_editor, remember

from .models import Workshop, WorkshopSession, WorkshopTopic

DEFAULT_FILE = Path(settings.MEP_CONTENT_PACK) / "workshops.yaml"  # the pack chosen when the process started


@transaction.atomic
def load_workshops(path: Path | None = None, update: bool = False) -> dict[str, int]:
    """Create the pack's topics, workshops and dates; with ``update`` also bring the title and description
    of existing workshops up to the pack, except where the Medienzentrum has changed them since."""
    data = yaml.safe_load(Path(path or Path(settings.MEP_CONTENT_PACK) / "workshops.yaml").read_text(encoding="utf-8"))
    created = {"Themen": 0, "Workshops": 0, "Termine": 0, "aktualisiert": 0}
    topics = {}
    for item in data.get("topics", []):
        topic, new = WorkshopTopic.objects.get_or_create(slug=item["slug"], defaults={"name": item["name"]})
        topics[topic.slug] = topic
        created["Themen"] += new
    today = timezone.localdate()
    for item in data.get("workshops", []):
        existing = Workshop.objects.filter(slug=item["slug"]).first()
        texts = {"title": item["title"], "description": item["description"].strip()}
        if existing is not None:
            if update:
                written = [name for name in texts if name not in changed_by_editor(existing, texts)]
                if any(getattr(existing, name) != texts[name] for name in written):
                    for name in written:
                        setattr(existing, name, texts[name])
                    existing.save(update_fields=written)
                    created["aktualisiert"] += 1
                remember(existing, written)
            continue
        workshop = Workshop.objects.create(
            slug=item["slug"],
            title=item["title"],
            is_example=item.get("example", True),
            description=item["description"].strip(),
            target_group=item.get("target_group", Workshop.TargetGroup.PRIMARY),
            place=item.get("place", Workshop.Place.STUDIO),
            duration_minutes=item.get("duration_minutes", 120),
            related_page=Page.objects.filter(slug=item["related"]).first() if item.get("related") else None,
        )
        remember(workshop, texts, created=True)
        workshop.topics.set(topics[slug] for slug in item.get("topics", []))
        created["Workshops"] += 1
        for date in item.get("dates", []):
            day = today + timedelta(days=date["in_days"])
            day += timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)  # weekend -> Monday
            start = timezone.make_aware(datetime.combine(day, time.fromisoformat(date["time"])))
            WorkshopSession.objects.create(
                workshop=workshop,
                start=start,
                end=start + timedelta(minutes=workshop.duration_minutes),
                capacity=date.get("capacity", 16),
                max_seats_per_school=date.get("per_school", 2),
            )
            created["Termine"] += 1
    return created
