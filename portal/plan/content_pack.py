"""Loading the content pack (``content/*.yaml``) into Wagtail pages and snippets.

Loading is idempotent: what exists (found by slug or natural key) is left as
an editor may have changed it, unless ``update=True`` asks to overwrite it
from the pack. Nothing is ever duplicated.

The English text lives beside the German in ``content/en/`` (same file names,
same structure, only the words differ). Further languages (``content/tr/``,
``content/uk/``, ``content/ar/``: any content language of the settings with a
folder of its code) translate only the start page (``site.yaml``) and "Der Plan
in Kürze" (``summary.yaml``); their other pages stay German. It is not loaded as separate pages:
each German page and snippet gets a wagtail-localize translation whose strings
come from the English files (see ``content_translation.py``), so editors work
on it in the translation editor and see German changes as untranslated there.
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
    EasyLanguagePage,
    HomePage,
    LegalPage,
    LoadedContentPack,
    PartnerOfferIndexPage,
    PartnerOfferPage,
    PartPage,
    PlanPage,
    SummaryPage,
)
from .pack_state import changed_by_editor, remember
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

#: the pack chosen by the setting MEP_CONTENT_PACK when the process started (Bochum's: ``content/``)
DEFAULT_PACK = Path(settings.MEP_CONTENT_PACK)


class ContentPackError(Exception):
    """A file of the content pack is missing or malformed; the message says which and where."""


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    # "Meilensteine: Einführung digitale Sprechstunde (description)": fields an editor changed, left as they are
    kept: list[str] = field(default_factory=list)

    def count(self, what: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[what] = bucket.get(what, 0) + 1


def md(text: str | None) -> str:
    """Markdown from the pack to Wagtail rich-text HTML."""
    return markdown.markdown((text or "").strip(), output_format="html")


# Keys whose values are facts (numbers, dates, links, references): an English
# file may repeat them for orientation, but they must read as in the German file.
FACT_KEYS = frozenset(
    {
        "number", "year", "month", "url", "chapter", "notes", "key", "parent", "link", "cycle",
        "last_reviewed", "front", "back", "chapters", "collection", "level", "status",
    }
)


def merge_english(german: Any, english: Any, where: str) -> Any:
    """The German data with every text replaced by the English at the same place.

    Lists must have the same length and order, mappings may leave keys out
    (the German value stays), facts must be equal.
    """
    if english is None:
        return german
    if isinstance(german, dict):
        if not isinstance(english, dict):
            raise ContentPackError(f"{where}: erwartet eine Zuordnung (Schlüssel: Wert) wie im deutschen Original.")
        merged = dict(german)
        for key, value in english.items():
            if key not in german and key == "slug":
                merged[key] = value  # an English file may give a page its own URL slug
                continue
            if key not in german:
                raise ContentPackError(f"{where}: Feld '{key}' gibt es im deutschen Original nicht.")
            if key in FACT_KEYS:
                if value != german[key] and str(value) != str(german[key]):
                    raise ContentPackError(
                        f"{where}: '{key}' muss wie im deutschen Original lauten ({german[key]!r}), nicht {value!r}."
                    )
                continue
            merged[key] = merge_english(german[key], value, f"{where} › {key}")
        return merged
    if isinstance(german, list):
        if not isinstance(english, list) or len(english) != len(german):
            got = len(english) if isinstance(english, list) else "keine Liste"
            raise ContentPackError(
                f"{where}: die Liste braucht {len(german)} Einträge in derselben Reihenfolge wie im deutschen Original, "
                f"gefunden: {got}."
            )
        return [merge_english(g, e, f"{where} › {i}") for i, (g, e) in enumerate(zip(german, english, strict=True), 1)]
    if isinstance(english, dict | list):
        raise ContentPackError(f"{where}: erwartet einen Text wie im deutschen Original.")
    return english


@dataclass
class Translatable:
    """A German page or snippet and two unsaved copies built from the pack: German and its translation."""

    instance: Any
    german: Any
    english: Any  # the translation (English unless ``language`` says otherwise)
    where: str
    language: str = "en"


def read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise ContentPackError(f"{path}: Datei fehlt.") from exc
    except yaml.YAMLError as exc:
        raise ContentPackError(f"{path}: kein gültiges YAML: {exc}") from exc


class ContentPackLoader:
    def __init__(self, pack: Path | None = None, update: bool = False, overwrite: bool = False):
        self.pack = Path(pack or settings.MEP_CONTENT_PACK)
        self.update = update or overwrite
        self.overwrite = overwrite  # --overwrite: the pack wins even over editors' changes
        self.report = LoadReport()
        self.locale = None
        self.chapters_by_slug: dict[str, dict] = {}
        self.pages_by_slug: dict[str, Page] = {}
        self.current_file: Path | None = None
        self.english_dir = self.pack / "en"
        self.translatables: dict[tuple[str, int], Translatable] = {}

    # -- entry point ---------------------------------------------------------

    @transaction.atomic
    def load(self) -> LoadReport:
        from .pack_schema import check_pack

        problems = check_pack(self.pack)
        if problems:
            # Refused whole, before anything is written: the database stays as it was.
            raise ContentPackError(
                f"Das Inhaltspaket {self.pack} wurde nicht geladen, nichts wurde geändert. "
                f"{len(problems)} Problem(e):\n" + "\n".join(problems)
            )
        name = self._refuse_another_schooltraeger()
        try:
            report = self._load()
        except (KeyError, TypeError) as exc:
            # A file read fine as YAML but lacks a required key or has the wrong shape.
            raise ContentPackError(
                f"{self.current_file}: Pflichtangabe {exc} fehlt oder hat nicht die erwartete Form."
            ) from exc
        LoadedContentPack.objects.update_or_create(pk=1, defaults={"name": name, "path": str(self.pack)})
        return report

    def _refuse_another_schooltraeger(self) -> str:
        """The pack's name (``site.yaml``); refused if the database holds another Schulträger's pack."""
        name = str(self._read(self.pack / "site.yaml")["name"]).strip()
        loaded = LoadedContentPack.objects.filter(pk=1).first()
        if loaded is not None and loaded.name != name:
            raise ContentPackError(
                f"Das Inhaltspaket {self.pack} („{name}“) wurde nicht geladen, nichts wurde geändert: Diese Datenbank "
                f"enthält das Inhaltspaket „{loaded.name}“ ({loaded.path}). Ein Portal gehört einem Schulträger; "
                "für einen anderen richten Sie eine eigene Datenbank ein (DATABASE_URL) und setzen MEP_CONTENT_PACK."
            )
        return name

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
        self._load_summary(home)
        self._load_partner_offers(home)
        self._load_legal(home)
        self._load_easy_language(home)
        self._load_highlights(home)
        if self.translatables:
            from .content_translation import translate

            translate(list(self.translatables.values()), update=self.update, report=self.report)
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

    def _english(self, name: str, german: Any) -> Any:
        """The English file beside a German one (``content/en/<name>``) merged over it, or None if there is none."""
        path = self.english_dir / name
        if not path.is_file():
            return None
        current = self.current_file
        english = merge_english(german, self._read(path), str(path))
        self.current_file = current
        return english

    @staticmethod
    def _at(english: Any, *keys) -> Any:
        for key in keys:
            if english is None:
                return None
            english = english[key]
        return english

    def _translatable(self, instance, german, english, where: str, language: str = "en"):
        if english is not None:
            key = (instance._meta.label, instance.pk, language)
            self.translatables[key] = Translatable(instance, german, english, where, language)

    def _translations(self, name: str, german: Any) -> dict[str, Any]:
        """Every translation of a German file in the pack, by language: ``content/<code>/<name>`` merged over it."""
        found = {}
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
            path = self.pack / code / name
            if code == settings.LANGUAGE_CODE or not path.is_file():
                continue
            current = self.current_file
            found[code] = merge_english(german, self._read(path), str(path))
            self.current_file = current
        return found

    def _upsert(self, model, lookup: dict, values: dict, label: str, english: dict | None = None):
        obj = model.objects.filter(locale=self.locale, **lookup).first()
        if obj is None:
            obj = model(locale=self.locale, **lookup, **values)
            obj.save()
            self.report.count(label, created=True)
            remember(obj, values, created=True)
        elif self.update:
            self._write(obj, values, label, obj.save)
        if english is not None:
            self._translatable(obj, model(**lookup, **values), model(**english), f"{label}: {obj}")
        return obj

    def _page(
        self, parent: Page, model, slug: str, values: dict, label: str, english: tuple[str, dict, Any] | None = None
    ) -> Page:
        existing = parent.get_children().filter(slug=slug).first()
        if existing is not None:
            page = existing.specific
            if not isinstance(page, model):
                raise ContentPackError(
                    f"Seite '{slug}' unter '{parent.title}' ist ein {type(page).__name__}, erwartet {model.__name__}."
                )
            if self.update:
                self._write(page, values, label, lambda: page.save_revision().publish())
        else:
            page = model(slug=slug, locale=self.locale, **values)
            parent.add_child(instance=page)
            page.save_revision().publish()
            self.report.count(label, created=True)
            remember(page, values, created=True)
        self.pages_by_slug[slug] = page
        if english is not None:
            en_slug, en_values, en_file = english
            self._translatable(
                page, model(slug=slug, **values), model(slug=en_slug or slug, **en_values), f"{en_file} (Seite {page.url})"
            )
        return page

    def _write(self, obj, values: dict, label: str, save) -> None:
        """Overwrite ``obj`` with the pack's values, except the fields an editor has changed since the pack
        last wrote them (unless --overwrite); a page with an unpublished draft is left to its editor."""
        if self.overwrite:
            kept = []
        elif getattr(obj, "has_unpublished_changes", False):
            kept = list(values)
        else:
            kept = changed_by_editor(obj, values)
        written = [key for key in values if key not in kept]
        self.report.kept.extend(f"{label}: {obj} ({key})" for key in kept)
        if not written:
            return
        for key in written:
            setattr(obj, key, values[key])
        save()
        remember(obj, written)
        self.report.count(label, created=False)

    # -- snippets ------------------------------------------------------------

    def _load_endnotes(self):
        data = self._read(self.pack / "endnotes.yaml")
        english = self._english("endnotes.yaml", data)

        def fields(note):
            return {"text": md(note["text"]), "url": note.get("url") or ""}

        for i, note in enumerate(data["endnotes"]):
            en = self._at(english, "endnotes", i)
            self._upsert(
                Endnote,
                {"number": note["number"]},
                fields(note),
                "Endnoten",
                english={"number": note["number"], **fields(en)} if en else None,
            )

    def _load_milestones(self):
        data = self._read(self.pack / "milestones.yaml")
        english = self._english("milestones.yaml", data)
        for i, m in enumerate(data["milestones"]):
            en = self._at(english, "milestones", i)
            self._upsert(
                Milestone,
                {"year": m["year"], "month": m["month"], "title": m["title"]},
                {"description": m.get("description", "")},
                "Meilensteine",
                english={"year": m["year"], "month": m["month"], "title": en["title"], "description": en.get("description", "")}
                if en
                else None,
            )

    def _load_actors(self):
        data = self._read(self.pack / "actors.yaml")
        english = self._english("actors.yaml", data)

        def group_fields(g, order):
            return {"name": g["name"], "description": g.get("description", ""), "sort_order": order}

        def actor_fields(a, i):
            return {"name": a["name"], "description": a.get("description", ""), "url": a.get("url") or "", "sort_order": i}

        for order, g in enumerate(data["groups"]):
            fields = group_fields(g, order)
            group = self._upsert(ActorGroup, {"name": fields.pop("name")}, fields, "Akteursgruppen")
            for i, a in enumerate(g.get("actors", [])):
                actor = Actor.objects.filter(locale=self.locale, group=group, name=a["name"]).first()
                values = actor_fields(a, i)
                del values["name"]
                if actor is None:
                    actor = Actor.objects.create(locale=self.locale, group=group, name=a["name"], **values)
                    self.report.count("Akteure", created=True)
                    remember(actor, values, created=True)
                elif self.update:
                    self._write(actor, values, "Akteure", actor.save)
            en = self._at(english, "groups", order)
            if en:
                self._translatable(
                    group,
                    ActorGroup(**group_fields(g, order), actors=[Actor(**actor_fields(a, i)) for i, a in enumerate(g.get("actors", []))]),
                    ActorGroup(**group_fields(en, order), actors=[Actor(**actor_fields(a, i)) for i, a in enumerate(en.get("actors", []))]),
                    f"Akteursgruppe {group}",
                )

    def _load_cycle(self):
        data = self._read(self.pack / "cycle.yaml")
        english = self._english("cycle.yaml", data)
        for i, s in enumerate(data["steps"]):
            en = self._at(english, "steps", i)
            self._upsert(
                CycleStep,
                {"number": s["number"]},
                {"title": s["title"], "description": s.get("description", "")},
                "Zyklusschritte",
                english={"number": s["number"], "title": en["title"], "description": en.get("description", "")} if en else None,
            )

    def _load_content_fields(self):
        data = self._read(self.pack / "content_fields.yaml")
        english = self._english("content_fields.yaml", data)

        def values(f, order):
            return {
                "description": f.get("description", ""),
                "chapter_number": str(f.get("chapter", "") or ""),
                "url": f.get("url") or "",
                "sort_order": order,
            }

        for order, f in enumerate(data["fields"]):
            en = self._at(english, "fields", order)
            self._upsert(
                ContentField,
                {"title": f["title"]},
                values(f, order),
                "Inhaltsfelder",
                english={"title": en["title"], **values(en, order)} if en else None,
            )

    def _load_strategic_paths(self):
        data = self._read(self.pack / "strategic_paths.yaml")
        english = self._english("strategic_paths.yaml", data)

        def level_fields(lv, order):
            return {"title": lv["title"], "description": lv.get("description", ""), "sort_order": order}

        def element_fields(e, i):
            return {"title": e["title"], "description": e.get("description", ""), "sort_order": i}

        for order, lv in enumerate(data["levels"]):
            fields = level_fields(lv, order)
            level = self._upsert(StrategicLevel, {"title": fields.pop("title")}, fields, "Strategische Ebenen")
            for i, e in enumerate(lv.get("elements", [])):
                element = StrategicElement.objects.filter(locale=self.locale, level=level, title=e["title"]).first()
                values = element_fields(e, i)
                del values["title"]
                if element is None:
                    element = StrategicElement.objects.create(locale=self.locale, level=level, title=e["title"], **values)
                    self.report.count("Strategische Elemente", created=True)
                    remember(element, values, created=True)
                elif self.update:
                    self._write(element, values, "Strategische Elemente", element.save)
            en = self._at(english, "levels", order)
            if en:
                self._translatable(
                    level,
                    StrategicLevel(
                        **level_fields(lv, order),
                        elements=[StrategicElement(**element_fields(e, i)) for i, e in enumerate(lv.get("elements", []))],
                    ),
                    StrategicLevel(
                        **level_fields(en, order),
                        elements=[StrategicElement(**element_fields(e, i)) for i, e in enumerate(en.get("elements", []))],
                    ),
                    f"Strategische Ebene {level}",
                )

    def _load_links(self):
        data = self._read(self.pack / "links.yaml")
        english = self._english("links.yaml", data)

        def values(link, order):
            return {
                "title": link["title"],
                "description": link.get("description", "") or "",
                "chapter_number": str(link.get("chapter", "") or ""),
                "sort_order": order,
            }

        for order, link in enumerate(data["links"]):
            en = self._at(english, "links", order)
            self._upsert(
                LinkEntry,
                {"url": link["url"]},
                values(link, order),
                "Links",
                english={"url": link["url"], **values(en, order)} if en else None,
            )

    # -- pages ---------------------------------------------------------------

    def _load_home(self) -> HomePage:
        data = self._read(self.pack / "site.yaml")
        self.site_data = data
        self.site_translations = self._translations("site.yaml", data)
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
            self._home_values(home_data),
            "Startseite",
        )
        for code, translated in self.site_translations.items():
            if self._at(translated, "home") is not None:
                # Registered here so the home is translated before the pages below it; highlights complete it later.
                self._translatable(home, HomePage(slug="home"), HomePage(slug="home"), "Startseite", code)
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

    @staticmethod
    def _home_values(home_data: dict) -> dict:
        return {"title": home_data["title"], "intro": md(home_data.get("intro"))}

    def _read_chapters(self):
        for path in sorted((self.pack / "chapters").glob("*.yaml")):
            data = self._read(path)
            for key in ("slug", "title", "body"):
                if key not in data:
                    raise ContentPackError(f"{path}: Feld '{key}' fehlt.")
            data["_path"] = path
            self.chapters_by_slug[data["slug"]] = data

    def _chapter_values(self, data: dict) -> dict:
        return {
            "title": data["title"],
            "number": str(data.get("number", "") or ""),
            "summary": data.get("summary", ""),
            "body": self._body(data),
        }

    def _chapter(self, parent: Page, slug: str):
        data = self.chapters_by_slug.get(slug)
        if data is None:
            raise ContentPackError(f"plan.yaml nennt Kapitel '{slug}', aber content/chapters/ enthält es nicht.")
        values = self._chapter_values(data)  # the German is checked before the English is read
        english = self._english(f"chapters/{data['_path'].name}", data)
        if english is not None:
            english["_path"] = self.english_dir / "chapters" / data["_path"].name
        page = self._page(
            parent,
            ChapterPage,
            slug,
            values,
            "Kapitel",
            english=(english["slug"], self._chapter_values(english), english["_path"]) if english else None,
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
        english = self._english("plan.yaml", data)

        def plan_values(d):
            return {
                "title": d["title"],
                "subtitle": d.get("subtitle", ""),
                "cycle": d["cycle"],
                "intro": md(d.get("intro")),
                "show_in_menus": True,
            }

        def part_values(part):
            return {"title": part["title"], "number": str(part["number"]), "intro": md(part.get("intro"))}

        plan = self._page(
            home, PlanPage, "plan", plan_values(data), "Plan",
            english=(english.get("slug", "plan"), plan_values(english), "en/plan.yaml") if english else None,
        )
        for slug in data.get("front", []):
            self._chapter(plan, slug)
        for i, part in enumerate(data["parts"]):
            en = self._at(english, "parts", i)
            part_page = self._page(
                plan, PartPage, part["slug"], part_values(part), "Teile",
                english=(en["slug"], part_values(en), "en/plan.yaml") if en else None,
            )
            for slug in part["chapters"]:
                self._chapter(part_page, slug)
        for slug in data.get("back", []):
            self._chapter(plan, slug)

    def _load_partner_offers(self, home: HomePage):
        data = self._read(self.pack / "partner_offers.yaml")
        english = self._english("partner_offers.yaml", data)

        def index_values(d):
            return {"title": d.get("title", "Partnerangebote"), "intro": md(d.get("intro")), "show_in_menus": True}

        def offer_values(offer):
            return {
                "title": offer["title"],
                "provider": offer.get("provider", ""),
                "format": offer.get("format", ""),
                "target_groups": ", ".join(offer.get("target_groups", [])),
                "address": offer.get("address", "") or "",
                "website": offer.get("url", "") or "",
                "summary": offer.get("summary", ""),
                "body": md(offer.get("body")),
            }

        index = self._page(
            home, PartnerOfferIndexPage, "partnerangebote", index_values(data), "Partnerangebote",
            english=(english.get("slug", "partnerangebote"), index_values(english), "en/partner_offers.yaml")
            if english
            else None,
        )
        for i, offer in enumerate(data["offers"]):
            en = self._at(english, "offers", i)
            self._page(
                index, PartnerOfferPage, offer["slug"], offer_values(offer), "Partnerangebote",
                english=(en["slug"], offer_values(en), "en/partner_offers.yaml") if en else None,
            )

    def _load_legal(self, home: HomePage):
        data = self._read(self.pack / "legal.yaml")
        english = self._english("legal.yaml", data)

        def values(page):
            return {"title": page["title"], "body": md(page["body"]), "last_reviewed": page.get("last_reviewed")}

        for i, page in enumerate(data["pages"]):
            en = self._at(english, "pages", i)
            self._page(
                home, LegalPage, page["slug"], values(page), "Rechtliche Seiten",
                english=(en["slug"], values(en), "en/legal.yaml") if en else None,
            )

    #: the blocks of the Leichte-Sprache page and the type each one's value has in the pack
    EASY_BLOCKS = {"heading": str, "sentences": str, "list": list, "word": dict, "link": dict}

    def _load_easy_language(self, home: HomePage):
        """``leichte_sprache.yaml``: the portal explained in Leichte Sprache, German only (it has no English twin)."""
        path = self.pack / "leichte_sprache.yaml"
        data = self._read(path)
        body = []
        for position, item in enumerate(data.get("body") or [], start=1):
            if not isinstance(item, dict) or len(item) != 1:
                raise ContentPackError(f"{path}: Block {position}: jeder Block braucht genau einen Schlüssel.")
            (kind, value), = item.items()
            expected = self.EASY_BLOCKS.get(kind)
            if expected is None:
                raise ContentPackError(
                    f"{path}: Block {position}: unbekannter Blocktyp '{kind}' (erlaubt: {', '.join(self.EASY_BLOCKS)})."
                )
            if not isinstance(value, expected):
                raise ContentPackError(f"{path}: Block {position} ({kind}): hat nicht die erwartete Form.")
            if kind == "word":
                value = {"word": value["word"], "explanation": value["explanation"]}
            elif kind == "link":
                value = {"text": value["text"], "url": value["url"]}
            body.append((kind, value))
        values = {"title": data["title"], "intro": data.get("intro", ""), "body": body, "show_in_menus": False}
        self._page(home, EasyLanguagePage, data["slug"], values, "Leichte Sprache")

    def _highlights(self, home_data: dict) -> list:
        links = []
        for item in home_data.get("highlights", []):
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
        return [("links", {"title": home_data.get("highlights_title", "Schnelleinstieg"), "links": links})]

    def _load_highlights(self, home: HomePage):
        home_data = self.site_data["home"]
        highlights = {"highlights": self._highlights(home_data)}
        if not home.highlights:
            home.highlights = highlights["highlights"]
            home.save_revision().publish()
            remember(home, highlights)
        elif self.update:
            self._write(home, highlights, "Startseite", lambda: home.save_revision().publish())
        for code, translated in self.site_translations.items():
            english = self._at(translated, "home")
            if english is not None:
                self._translatable(
                    home,
                    HomePage(slug="home", **self._home_values(home_data), highlights=self._highlights(home_data)),
                    HomePage(slug="home", **self._home_values(english), highlights=self._highlights(english)),
                    f"{self.pack / code / 'site.yaml'} (Startseite)",
                    code,
                )

    def _load_summary(self, home: HomePage):
        """"Der Plan in Kürze" (``summary.yaml``), if the pack has it, with every translation the pack has."""
        path = self.pack / "summary.yaml"
        if not path.is_file():
            return
        data = self._read(path)

        def values(d):
            return {"title": d["title"], "intro": (d.get("intro") or "").strip(), "body": md(d["body"]), "show_in_menus": True}

        page = self._page(home, SummaryPage, data["slug"], values(data), "Der Plan in Kürze")
        for code, translated in self._translations("summary.yaml", data).items():
            self._translatable(
                page,
                SummaryPage(slug=data["slug"], **values(data)),
                SummaryPage(slug=translated.get("slug") or data["slug"], **values(translated)),
                f"{self.pack / code / 'summary.yaml'} (Seite {page.url})",
                code,
            )

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
            # where a goal stands is kept in its own snippet (portal/plan/goals.py), not in the chapter
            {"text": g if isinstance(g, str) else g["text"]}
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
        return (
            "figure",
            {
                "key": value["key"],
                "title": value["title"],
                "caption": md(value.get("caption")),
                "caption_synthetic": md(value.get("caption_synthetic")),
            },
        )

    def _block_plan_values(self, value, path, position):
        rows = [{"label": row["label"], "value": str(row["value"])} for row in value["rows"]]
        return (
            "plan_values",
            {
                "caption": value["caption"],
                "label_heading": value["label_heading"],
                "value_heading": value["value_heading"],
                "rows": rows,
            },
        )

    def _block_collection(self, value, path, position):
        return ("collection", {"collection": value})
