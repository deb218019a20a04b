"""Loading the content pack (``content/*.yaml``) into Wagtail pages and snippets.

Loading is idempotent: what exists (found by slug or natural key) is left as
an editor may have changed it, unless ``update=True`` asks to overwrite it
from the pack. Nothing is ever duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
import yaml
from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from .models import (
    ChapterPage,
    HomePage,
    LegalPage,
    PartnerOfferIndexPage,
    PartnerOfferPage,
    PartPage,
    PlanPage,
)
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

DEFAULT_PACK = Path(settings.BASE_DIR) / "content"


class ContentPackError(Exception):
    """A file of the content pack is missing or malformed; the message says which and where."""


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[what] = bucket.get(what, 0) + 1


def md(text: str | None) -> str:
    """Markdown from the pack to Wagtail rich-text HTML."""
    return markdown.markdown((text or "").strip(), output_format="html")


def read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise ContentPackError(f"{path}: Datei fehlt.") from exc
    except yaml.YAMLError as exc:
        raise ContentPackError(f"{path}: kein gültiges YAML: {exc}") from exc


class ContentPackLoader:
    def __init__(self, pack: Path = DEFAULT_PACK, update: bool = False):
        self.pack = Path(pack)
        self.update = update
        self.report = LoadReport()
        self.locale = None
        self.chapters_by_slug: dict[str, dict] = {}
        self.pages_by_slug: dict[str, Page] = {}
        self.current_file: Path | None = None

    # -- entry point ---------------------------------------------------------

    @transaction.atomic
    def load(self) -> LoadReport:
        try:
            return self._load()
        except (KeyError, TypeError) as exc:
            # A file read fine as YAML but lacks a required key or has the wrong shape.
            raise ContentPackError(
                f"{self.current_file}: Pflichtangabe {exc} fehlt oder hat nicht die erwartete Form."
            ) from exc

    def _load(self) -> LoadReport:
        self.locale = self._ensure_locales()
        self._read_chapters()
        self._load_endnotes()
        self._load_milestones()
        self._load_actors()
        self._load_cycle()
        self._load_content_fields()
        self._load_strategic_paths()
        self._load_links()
        home = self._load_home()
        self._load_plan(home)
        self._load_partner_offers(home)
        self._load_legal(home)
        self._load_highlights(home)
        return self.report

    # -- helpers -------------------------------------------------------------

    def _read(self, path: Path) -> Any:
        self.current_file = path
        return read_yaml(path)

    def _ensure_locales(self) -> Locale:
        default = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)[0]
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
            Locale.objects.get_or_create(language_code=code)
        return default

    def _upsert(self, model, lookup: dict, values: dict, label: str):
        obj = model.objects.filter(locale=self.locale, **lookup).first()
        if obj is None:
            obj = model(locale=self.locale, **lookup, **values)
            obj.save()
            self.report.count(label, created=True)
        elif self.update:
            for key, value in values.items():
                setattr(obj, key, value)
            obj.save()
            self.report.count(label, created=False)
        return obj

    def _page(self, parent: Page, model, slug: str, values: dict, label: str) -> Page:
        existing = parent.get_children().filter(slug=slug).first()
        if existing is not None:
            page = existing.specific
            if not isinstance(page, model):
                raise ContentPackError(
                    f"Seite '{slug}' unter '{parent.title}' ist ein {type(page).__name__}, erwartet {model.__name__}."
                )
            if self.update:
                for key, value in values.items():
                    setattr(page, key, value)
                page.save_revision().publish()
                self.report.count(label, created=False)
        else:
            page = model(slug=slug, locale=self.locale, **values)
            parent.add_child(instance=page)
            page.save_revision().publish()
            self.report.count(label, created=True)
        self.pages_by_slug[slug] = page
        return page

    # -- snippets ------------------------------------------------------------

    def _load_endnotes(self):
        for note in self._read(self.pack / "endnotes.yaml")["endnotes"]:
            self._upsert(
                Endnote,
                {"number": note["number"]},
                {"text": md(note["text"]), "url": note.get("url") or ""},
                "Endnoten",
            )

    def _load_milestones(self):
        for m in self._read(self.pack / "milestones.yaml")["milestones"]:
            self._upsert(
                Milestone,
                {"year": m["year"], "month": m["month"], "title": m["title"]},
                {"description": m.get("description", "")},
                "Meilensteine",
            )

    def _load_actors(self):
        for order, g in enumerate(self._read(self.pack / "actors.yaml")["groups"]):
            group = self._upsert(
                ActorGroup,
                {"name": g["name"]},
                {"description": g.get("description", ""), "sort_order": order},
                "Akteursgruppen",
            )
            for i, a in enumerate(g.get("actors", [])):
                actor = Actor.objects.filter(locale=self.locale, group=group, name=a["name"]).first()
                values = {"description": a.get("description", ""), "url": a.get("url") or "", "sort_order": i}
                if actor is None:
                    Actor.objects.create(locale=self.locale, group=group, name=a["name"], **values)
                    self.report.count("Akteure", created=True)
                elif self.update:
                    Actor.objects.filter(pk=actor.pk).update(**values)
                    self.report.count("Akteure", created=False)

    def _load_cycle(self):
        for s in self._read(self.pack / "cycle.yaml")["steps"]:
            self._upsert(
                CycleStep,
                {"number": s["number"]},
                {"title": s["title"], "description": s.get("description", "")},
                "Zyklusschritte",
            )

    def _load_content_fields(self):
        for order, f in enumerate(self._read(self.pack / "content_fields.yaml")["fields"]):
            self._upsert(
                ContentField,
                {"title": f["title"]},
                {
                    "description": f.get("description", ""),
                    "chapter_number": str(f.get("chapter", "") or ""),
                    "url": f.get("url") or "",
                    "sort_order": order,
                },
                "Inhaltsfelder",
            )

    def _load_strategic_paths(self):
        for order, lv in enumerate(self._read(self.pack / "strategic_paths.yaml")["levels"]):
            level = self._upsert(
                StrategicLevel,
                {"title": lv["title"]},
                {"description": lv.get("description", ""), "sort_order": order},
                "Strategische Ebenen",
            )
            for i, e in enumerate(lv.get("elements", [])):
                element = StrategicElement.objects.filter(locale=self.locale, level=level, title=e["title"]).first()
                values = {"description": e.get("description", ""), "sort_order": i}
                if element is None:
                    StrategicElement.objects.create(locale=self.locale, level=level, title=e["title"], **values)
                    self.report.count("Strategische Elemente", created=True)
                elif self.update:
                    StrategicElement.objects.filter(pk=element.pk).update(**values)
                    self.report.count("Strategische Elemente", created=False)

    def _load_links(self):
        for order, link in enumerate(self._read(self.pack / "links.yaml")["links"]):
            self._upsert(
                LinkEntry,
                {"url": link["url"]},
                {
                    "title": link["title"],
                    "description": link.get("description", "") or "",
                    "chapter_number": str(link.get("chapter", "") or ""),
                    "sort_order": order,
                },
                "Links",
            )

    # -- pages ---------------------------------------------------------------

    def _load_home(self) -> HomePage:
        data = self._read(self.pack / "site.yaml")
        root = Page.get_first_root_node()
        # Wagtail's initial migration leaves a generic welcome page; the portal replaces it.
        for child in root.get_children():
            if child.specific_class is Page and not child.get_children().exists():
                child.delete()
        home_data = data["home"]
        home = self._page(
            root,
            HomePage,
            "home",
            {"title": home_data["title"], "intro": md(home_data.get("intro"))},
            "Startseite",
        )
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=data["name"]
            )
        elif site.root_page_id != home.pk:
            site.root_page = home
            site.site_name = data["name"]
            site.save()
        return home

    def _read_chapters(self):
        for path in sorted((self.pack / "chapters").glob("*.yaml")):
            data = self._read(path)
            for key in ("slug", "title", "body"):
                if key not in data:
                    raise ContentPackError(f"{path}: Feld '{key}' fehlt.")
            data["_path"] = path
            self.chapters_by_slug[data["slug"]] = data

    def _chapter(self, parent: Page, slug: str):
        data = self.chapters_by_slug.get(slug)
        if data is None:
            raise ContentPackError(f"plan.yaml nennt Kapitel '{slug}', aber content/chapters/ enthält es nicht.")
        page = self._page(
            parent,
            ChapterPage,
            slug,
            {
                "title": data["title"],
                "number": str(data.get("number", "") or ""),
                "summary": data.get("summary", ""),
                "body": self._body(data),
            },
            "Kapitel",
        )
        number = str(data.get("number", "") or "")
        if number:
            sections = [c for c in self.chapters_by_slug.values() if str(c.get("parent", "") or "") == number]
            sections.sort(key=lambda c: [int(p) for p in str(c["number"]).split(".")])
            for section in sections:
                self._chapter(page, section["slug"])
        return page

    def _load_plan(self, home: HomePage):
        data = self._read(self.pack / "plan.yaml")
        plan = self._page(
            home,
            PlanPage,
            "plan",
            {
                "title": data["title"],
                "subtitle": data.get("subtitle", ""),
                "cycle": data["cycle"],
                "intro": md(data.get("intro")),
                "show_in_menus": True,
            },
            "Plan",
        )
        for slug in data.get("front", []):
            self._chapter(plan, slug)
        for part in data["parts"]:
            part_page = self._page(
                plan,
                PartPage,
                part["slug"],
                {"title": part["title"], "number": str(part["number"]), "intro": md(part.get("intro"))},
                "Teile",
            )
            for slug in part["chapters"]:
                self._chapter(part_page, slug)
        for slug in data.get("back", []):
            self._chapter(plan, slug)

    def _load_partner_offers(self, home: HomePage):
        data = self._read(self.pack / "partner_offers.yaml")
        index = self._page(
            home,
            PartnerOfferIndexPage,
            "partnerangebote",
            {"title": data.get("title", "Partnerangebote"), "intro": md(data.get("intro")), "show_in_menus": True},
            "Partnerangebote",
        )
        for offer in data["offers"]:
            self._page(
                index,
                PartnerOfferPage,
                offer["slug"],
                {
                    "title": offer["title"],
                    "provider": offer.get("provider", ""),
                    "format": offer.get("format", ""),
                    "target_groups": ", ".join(offer.get("target_groups", [])),
                    "address": offer.get("address", "") or "",
                    "website": offer.get("url", "") or "",
                    "summary": offer.get("summary", ""),
                    "body": md(offer.get("body")),
                },
                "Partnerangebote",
            )

    def _load_legal(self, home: HomePage):
        for page in self._read(self.pack / "legal.yaml")["pages"]:
            self._page(
                home,
                LegalPage,
                page["slug"],
                {"title": page["title"], "body": md(page["body"]), "last_reviewed": page.get("last_reviewed")},
                "Rechtliche Seiten",
            )

    def _load_highlights(self, home: HomePage):
        items = self._read(self.pack / "site.yaml")["home"].get("highlights", [])
        if home.highlights and not self.update:
            return
        links = []
        for item in items:
            target = item.get("link", "")
            page = self.pages_by_slug.get(target.strip("/").split("/")[-1]) if target else None
            links.append(
                {
                    "title": item["title"],
                    "description": item.get("text", ""),
                    "page": page,
                    "url": "" if page else target,
                }
            )
        home.highlights = [("links", {"title": "Schnelleinstieg", "links": links})]
        home.save_revision().publish()

    # -- chapter body --------------------------------------------------------

    def _body(self, chapter: dict) -> list[tuple[str, Any]]:
        blocks = []
        for position, item in enumerate(chapter["body"] or [], start=1):
            if not isinstance(item, dict) or len(item) != 1:
                raise ContentPackError(
                    f"{chapter['_path']}: Block {position}: jeder Block braucht genau einen Schlüssel."
                )
            (kind, value), = item.items()
            converter = getattr(self, f"_block_{kind}", None)
            if converter is None:
                raise ContentPackError(f"{chapter['_path']}: Block {position}: unbekannter Blocktyp '{kind}'.")
            blocks.append(converter(value, chapter["_path"], position))
        return blocks

    def _block_heading(self, value, path, position):
        if isinstance(value, str):
            return ("heading", {"text": value, "level": "h2"})
        return ("heading", {"text": value["text"], "level": f"h{value.get('level', 2)}"})

    def _block_text(self, value, path, position):
        return ("paragraph", md(value))

    def _block_text_with_notes(self, value, path, position):
        notes = []
        for number in value.get("notes", []):
            note = Endnote.objects.filter(locale=self.locale, number=number).first()
            if note is None:
                raise ContentPackError(f"{path}: Block {position}: Endnote {number} gibt es nicht.")
            notes.append(note)
        return ("noted_paragraph", {"text": md(value["text"]), "endnotes": notes})

    def _block_goals(self, value, path, position):
        goals = [
            {"text": g if isinstance(g, str) else g["text"], "status": "" if isinstance(g, str) else g.get("status", "")}
            for g in value["items"]
        ]
        return ("goals", {"title": value.get("title", "Gesetzte Ziele"), "goals": goals})

    def _block_links(self, value, path, position):
        links = [
            {"title": i["title"], "url": i.get("url", ""), "page": None, "description": i.get("description", "")}
            for i in value["items"]
        ]
        return ("links", {"title": value.get("title", ""), "links": links})

    def _block_info(self, value, path, position):
        return (
            "info",
            {
                "text": value.get("text") or "Aktuelle und detaillierte Informationen zu diesem Thema finden Sie hier.",
                "url": value["url"],
                "label": value.get("label", ""),
            },
        )

    def _block_quote(self, value, path, position):
        return ("quote", {"text": value["text"], "source": value["source"]})

    def _block_figure(self, value, path, position):
        return ("figure", {"key": value["key"], "title": value["title"], "caption": md(value.get("caption"))})

    def _block_collection(self, value, path, position):
        return ("collection", {"collection": value})
