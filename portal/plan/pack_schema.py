"""The content pack's schema, and a check that finds every problem of a pack with its file and line.

``load_content`` runs :func:`check_pack` before it writes anything: a pack with
problems is refused whole, each problem as ``FILE:LINE: …`` (German), and the
database stays as it was. The schema is documented file by file in
``content/README.md``; the models below are the same, written for pydantic.

Lines come from PyYAML's node tree (``compose``): every value keeps the line it
starts on, so a problem deep in a list is reported where it stands.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from django.conf import settings
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, conint

# -- reading with lines ---------------------------------------------------------------------------


@dataclass
class Located:
    """A YAML file's data and the line (1-based) of every value, by its path of keys and list positions."""

    path: Path
    data: Any
    lines: dict[tuple, int]

    def line(self, at: tuple) -> int:
        """The line of ``at``, or of the nearest enclosing value that has one (a missing key: its mapping)."""
        while at and at not in self.lines:
            at = at[:-1]
        return self.lines.get(at, 1)


class PackProblem(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def read_located(path: Path) -> Located:
    """Read a YAML file, keeping each value's line; a YAML error is a :class:`PackProblem` at its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackProblem(f"{shown(path)}:1: Datei fehlt.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackProblem(f"{shown(path)}:1: nicht lesbar ({exc}).") from None
    loader = yaml.SafeLoader(text)
    lines: dict[tuple, int] = {}
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None

        def walk(node, at: tuple) -> None:
            lines[at] = node.start_mark.line + 1
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    walk(value_node, (*at, loader.construct_object(key_node, deep=True)))
            elif isinstance(node, yaml.SequenceNode):
                for position, item in enumerate(node.value):
                    walk(item, (*at, position))

        if node is not None:
            walk(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise PackProblem(f"{shown(path)}:{line}: kein gültiges YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise PackProblem(f"{shown(path)}:1: kein gültiges YAML: {exc}") from None
    finally:
        loader.dispose()
    return Located(path, data, lines)


def shown(path: Path) -> str:
    """A file as problems name it: relative to the project folder where it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


# -- the schema -----------------------------------------------------------------------------------


def _as_text(value: Any) -> Any:
    """Numbers where the pack means text (``number: 5.3``, ``cycle: 2025``) count as their text."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _colour(value: str) -> str:
    import re

    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise ValueError(f"„{value}“ ist keine Farbe der Form #rrggbb")
    return value


Text = Annotated[str, Field(min_length=1)]
Loose = Annotated[str, BeforeValidator(_as_text)]
Colour = Annotated[str, AfterValidator(_colour)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Highlight(Strict):
    title: Text
    text: str = ""
    link: str = ""


class Home(Strict):
    title: Text
    intro: str = ""
    highlights_title: str = ""
    highlights: list[Highlight] = []


class Medienzentrum(Strict):
    name: Text
    studio: Text
    studio_location: str = ""
    address: Text


class Colours(Strict):
    brand: Colour
    brand_dark: Colour
    accent: Colour


class ThemeSpec(Strict):
    colours: Colours
    logo: str = ""
    favicon: str = ""


class SiteFile(Strict):
    name: Text
    city: Text
    footer: Text
    medienzentrum: Medienzentrum
    theme: ThemeSpec
    home: Home


class Part(Strict):
    number: Loose
    title: Text
    slug: Text
    intro: str = ""
    chapters: list[Text]


class PlanFile(Strict):
    title: Text
    subtitle: str = ""
    cycle: Loose
    intro: str = ""
    front: list[Text] = []
    back: list[Text] = []
    parts: list[Part] = Field(min_length=1)


class ChapterFile(Strict):
    number: Loose = ""
    slug: Text
    title: Text
    parent: Loose = ""
    summary: str = ""
    body: list[Any] | None


class Milestone(Strict):
    year: int
    month: conint(ge=1, le=12)
    title: Text
    description: str = ""


class MilestonesFile(Strict):
    milestones: list[Milestone]


class Actor(Strict):
    name: Text
    description: str = ""
    url: str | None = ""


class ActorGroup(Strict):
    name: Text
    description: str = ""
    actors: list[Actor] = []


class ActorsFile(Strict):
    groups: list[ActorGroup]


class Step(Strict):
    number: int
    title: Text
    description: str = ""


class CycleFile(Strict):
    steps: list[Step]


class ContentFieldItem(Strict):
    title: Text
    description: str = ""
    chapter: Loose = ""
    url: str | None = ""


class ContentFieldsFile(Strict):
    fields: list[ContentFieldItem]


class Element(Strict):
    title: Text
    description: str = ""


class Level(Strict):
    title: Text
    description: str = ""
    elements: list[Element] = []


class StrategicPathsFile(Strict):
    levels: list[Level]


class Link(Strict):
    title: Text
    url: Text
    description: str | None = ""
    chapter: Loose | None = ""


class LinksFile(Strict):
    links: list[Link]


class Endnote(Strict):
    number: int
    text: Text
    url: str | None = ""


class EndnotesFile(Strict):
    endnotes: list[Endnote]


class Offer(Strict):
    slug: Text
    title: Text
    provider: str = ""
    format: str = ""
    target_groups: list[str] = []
    address: str | None = ""
    url: str | None = ""
    summary: str = ""
    body: str = ""


class PartnerOffersFile(Strict):
    title: str = ""
    intro: str = ""
    offers: list[Offer]


class LegalPageItem(Strict):
    slug: Text
    title: Text
    body: Text
    last_reviewed: datetime.date | None = None


class LegalFile(Strict):
    pages: list[LegalPageItem] = Field(min_length=1)


class EasyLanguageFile(Strict):
    slug: Text
    title: Text
    intro: str = ""
    body: list[Any]


class SummaryFile(Strict):
    slug: Text
    title: Text
    intro: str = ""
    body: Text


class Topic(Strict):
    slug: Text
    name: Text


class WorkshopDate(Strict):
    in_days: conint(ge=0)
    time: Annotated[str, Field(pattern=r"^\d{1,2}:\d{2}$")]
    capacity: conint(ge=1)
    per_school: conint(ge=1)


class WorkshopItem(Strict):
    slug: Text
    title: Text
    example: bool = True
    topics: list[str] = []
    target_group: Literal["grundschule", "weiterfuehrend", "alle"]
    place: Literal["medienstudio", "online"]
    duration_minutes: conint(ge=1)
    related: str = ""
    description: Text
    dates: list[WorkshopDate] = []


class WorkshopsFile(Strict):
    topics: list[Topic] = []
    workshops: list[WorkshopItem] = []


#: every file of a pack: name -> (schema, required)
FILES: dict[str, tuple[type[BaseModel], bool]] = {
    "site.yaml": (SiteFile, True),
    "plan.yaml": (PlanFile, True),
    "milestones.yaml": (MilestonesFile, True),
    "actors.yaml": (ActorsFile, True),
    "cycle.yaml": (CycleFile, True),
    "content_fields.yaml": (ContentFieldsFile, True),
    "strategic_paths.yaml": (StrategicPathsFile, True),
    "links.yaml": (LinksFile, True),
    "endnotes.yaml": (EndnotesFile, True),
    "partner_offers.yaml": (PartnerOffersFile, True),
    "legal.yaml": (LegalFile, True),
    "leichte_sprache.yaml": (EasyLanguageFile, True),
    "summary.yaml": (SummaryFile, False),
    "workshops.yaml": (WorkshopsFile, False),
}

# The blocks of a chapter's body: kind -> schema of its value (see content/README.md, "chapters/*.yaml").


class HeadingBlock(Strict):
    text: Text
    level: conint(ge=2, le=4) = 2


class NotedTextBlock(Strict):
    text: Text
    notes: list[int] = []


class GoalItem(Strict):
    text: Text


class GoalsBlock(Strict):
    title: str = ""
    items: list[Annotated[str, Field(min_length=1)] | GoalItem]


class LinkItem(Strict):
    title: Text
    url: str = ""
    description: str = ""


class LinksBlock(Strict):
    title: str = ""
    items: list[LinkItem]


class InfoBlock(Strict):
    text: str = ""
    url: Text
    label: str = ""


class QuoteBlock(Strict):
    text: Text
    source: Text


class FigureBlock(Strict):
    key: Text
    title: Text
    caption: str = ""
    caption_synthetic: str = ""


class PlanValueRow(Strict):
    label: Text
    value: Loose


class PlanValuesBlock(Strict):
    caption: Text
    label_heading: Text
    value_heading: Text
    rows: list[PlanValueRow]


COLLECTIONS = ("milestones", "actors", "cycle", "content_fields", "strategic_paths", "links", "endnotes", "partner_offers")

BLOCKS: dict[str, Any] = {
    "heading": Text | HeadingBlock,
    "text": Text,
    "text_with_notes": NotedTextBlock,
    "goals": GoalsBlock,
    "links": LinksBlock,
    "info": InfoBlock,
    "quote": QuoteBlock,
    "figure": FigureBlock,
    "plan_values": PlanValuesBlock,
    "collection": Literal[COLLECTIONS],  # type: ignore[valid-type]
}


class EasyWord(Strict):
    word: Text
    explanation: Text


class EasyLink(Strict):
    text: Text
    url: Text


EASY_BLOCKS: dict[str, Any] = {"heading": Text, "sentences": Text, "list": list[Text], "word": EasyWord, "link": EasyLink}


# -- German messages for pydantic's errors --------------------------------------------------------


def _message(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    key = error["loc"][-1] if error["loc"] else ""
    if kind == "missing":
        return f"Pflichtangabe „{key}“ fehlt."
    if kind == "extra_forbidden":
        return f"unbekanntes Feld „{key}“ (Tippfehler? Erlaubte Felder stehen in content/README.md)."
    if kind in ("string_type",):
        return "erwartet einen Text."
    if kind == "string_too_short":
        return "darf nicht leer sein."
    if kind in ("too_short",):
        return f"braucht mindestens {ctx.get('min_length', 1)} Eintrag/Einträge."
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "erwartet eine ganze Zahl."
    if kind in ("bool_type", "bool_parsing"):
        return "erwartet true oder false."
    if kind in ("list_type",):
        return "erwartet eine Liste."
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "erwartet eine Zuordnung (Schlüssel: Wert)."
    if kind.startswith("date"):
        return "erwartet ein Datum (JJJJ-MM-TT)."
    if kind == "literal_error":
        return f"erlaubt sind: {ctx.get('expected', '')}."
    if kind == "greater_than_equal":
        return f"muss mindestens {ctx.get('ge')} sein."
    if kind == "less_than_equal":
        return f"darf höchstens {ctx.get('le')} sein."
    if kind == "string_pattern_mismatch":
        return f"hat nicht die erwartete Form ({ctx.get('pattern')})."
    if kind == "value_error":
        return f"{ctx.get('error', error['msg'])}."
    return f"ungültiger Wert ({error['msg']})."


def _where(at: tuple) -> str:
    """``("body", 2, "figure", "key")`` as the pack's authors count: "Block 3 › figure › key"; lists from 1."""
    if len(at) > 1 and at[0] == "body" and isinstance(at[1], int):
        return " › ".join([f"Block {at[1] + 1}", *(str(p + 1) if isinstance(p, int) else str(p) for p in at[2:])])
    return " › ".join(str(part + 1) if isinstance(part, int) else str(part) for part in at)


def _place(value: Any, loc: tuple, kind: str) -> tuple:
    """pydantic's location as keys and positions of the file: the names of union branches it tried
    ("str", "GoalItem", "function-after[…]") are no place in the file and are left out."""
    place = []
    for i, part in enumerate(loc):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            value = value[part]
        elif not (i == len(loc) - 1 and kind == "missing"):
            continue
        place.append(part)
    return tuple(place)


# -- the check ------------------------------------------------------------------------------------


class PackCheck:
    """Every problem of one pack, found without touching the database."""

    def __init__(self, pack: Path):
        self.pack = Path(pack)
        self.problems: list[str] = []
        self.files: dict[str, Located] = {}

    def problem(self, located: Located | Path, at: tuple, message: str) -> None:
        if isinstance(located, Located):
            path, line = located.path, located.line(at)
        else:
            path, line = located, 1
        where = _where(at)
        self.problems.append(f"{shown(path)}:{line}: {where + ': ' if where else ''}{message}")

    def read(self, path: Path) -> Located | None:
        try:
            return read_located(path)
        except PackProblem as exc:
            self.problems.append(exc.message)
            return None

    def validate(self, located: Located, schema: Any, at: tuple = (), value: Any = ...) -> bool:
        from pydantic import TypeAdapter

        value = located.data if value is ... else value
        try:
            TypeAdapter(schema).validate_python(value)
        except ValidationError as exc:
            seen = set()
            for error in exc.errors():
                loc = _place(value, tuple(error["loc"]), error["type"])
                error = {**error, "loc": loc}
                text = (loc, _message(error))
                if text not in seen:  # a union reports each branch: one line is enough
                    seen.add(text)
                    self.problem(located, (*at, *loc), text[1])
            return False
        return True

    # -- per file ---------------------------------------------------------------------------------

    def run(self) -> list[str]:
        if not self.pack.is_dir():
            self.problems.append(f"{shown(self.pack)}:1: Ordner des Inhaltspakets fehlt.")
            return self.problems
        for name, (schema, required) in FILES.items():
            path = self.pack / name
            if not required and not path.exists():
                continue
            located = self.read(path)
            if located is None:
                continue
            self.files[name] = located
            if located.data is None or not isinstance(located.data, dict):
                self.problem(located, (), "erwartet eine Zuordnung (Schlüssel: Wert) auf oberster Ebene.")
                continue
            self.validate(located, schema)
        self.chapters = self._check_chapters()
        self._check_references()
        self._check_easy_language()
        self._check_theme()
        self._check_translations()
        return self.problems

    def _check_chapters(self) -> dict[str, Located]:
        folder = self.pack / "chapters"
        found: dict[str, Located] = {}
        if not folder.is_dir():
            self.problem(folder, (), "Ordner chapters/ fehlt.")
            return found
        for path in sorted(folder.glob("*.yaml")):
            located = self.read(path)
            if located is None:
                continue
            if not isinstance(located.data, dict):
                self.problem(located, (), "erwartet eine Zuordnung (Schlüssel: Wert) auf oberster Ebene.")
                continue
            self.validate(located, ChapterFile)
            slug = located.data.get("slug")
            if isinstance(slug, str):
                if slug in found:
                    self.problem(located, ("slug",), f"Kapitel „{slug}“ gibt es schon in {shown(found[slug].path)}.")
                found[slug] = located
            self._check_body(located)
        return found

    def _check_body(self, located: Located) -> None:
        from .content_pack import ContentPackLoader

        body = located.data.get("body")
        if not isinstance(body, list):
            return
        for position, item in enumerate(body):
            at = ("body", position)
            if not isinstance(item, dict) or len(item) != 1:
                self.problem(located, at, "jeder Block braucht genau einen Schlüssel (den Blocktyp).")
                continue
            ((kind, value),) = item.items()
            known = getattr(ContentPackLoader, f"_block_{kind}", None) is not None
            if not known:
                allowed = ", ".join(sorted(name[7:] for name in dir(ContentPackLoader) if name.startswith("_block_")))
                self.problem(located, at, f"unbekannter Blocktyp '{kind}' (erlaubt: {allowed}).")
                continue
            if kind in BLOCKS:
                self.validate(located, BLOCKS[kind], (*at, kind), value)

    def _check_easy_language(self) -> None:
        located = self.files.get("leichte_sprache.yaml")
        body = located.data.get("body") if located and isinstance(located.data, dict) else None
        if not isinstance(body, list):
            return
        for position, item in enumerate(body):
            at = ("body", position)
            if not isinstance(item, dict) or len(item) != 1:
                self.problem(located, at, "jeder Block braucht genau einen Schlüssel (den Blocktyp).")
                continue
            ((kind, value),) = item.items()
            if kind not in EASY_BLOCKS:
                self.problem(located, at, f"unbekannter Blocktyp '{kind}' (erlaubt: {', '.join(EASY_BLOCKS)}).")
                continue
            self.validate(located, EASY_BLOCKS[kind], (*at, kind), value)

    def _data(self, name: str) -> dict:
        located = self.files.get(name)
        return located.data if located is not None and isinstance(located.data, dict) else {}

    def _check_references(self) -> None:
        """Slugs, numbers and keys that one file names and another must have."""
        plan = self.files.get("plan.yaml")
        if plan is not None and isinstance(plan.data, dict):
            refs = [(("front", i), s) for i, s in enumerate(plan.data.get("front") or [])]
            refs += [(("back", i), s) for i, s in enumerate(plan.data.get("back") or [])]
            for p, part in enumerate(plan.data.get("parts") or []):
                if isinstance(part, dict):
                    refs += [(("parts", p, "chapters", i), s) for i, s in enumerate(part.get("chapters") or [])]
            for at, slug in refs:
                if isinstance(slug, str) and slug not in self.chapters:
                    self.problem(plan, at, f"Kapitel „{slug}“ gibt es in chapters/ nicht.")
        numbers = {str(c.data.get("number") or "") for c in self.chapters.values()}
        notes = {n.get("number") for n in self._data("endnotes.yaml").get("endnotes") or [] if isinstance(n, dict)}
        figures = self._figure_keys()
        for located in self.chapters.values():
            parent = str(located.data.get("parent") or "")
            if parent and parent not in numbers:
                self.problem(located, ("parent",), f"ein Kapitel mit der Nummer „{parent}“ gibt es nicht.")
            for position, item in enumerate(located.data.get("body") or []):
                if not isinstance(item, dict) or len(item) != 1:
                    continue
                ((kind, value),) = item.items()
                if kind == "text_with_notes" and isinstance(value, dict) and "endnotes.yaml" in self.files:
                    for i, number in enumerate(value.get("notes") or []):
                        if number not in notes:
                            self.problem(
                                located, ("body", position, kind, "notes", i), f"Endnote {number} gibt es in endnotes.yaml nicht."
                            )
                if kind == "figure" and isinstance(value, dict) and figures and value.get("key") not in figures:
                    self.problem(
                        located,
                        ("body", position, kind, "key"),
                        f"Abbildung „{value.get('key')}“ bietet kein installiertes Plugin an (siehe `mep plugins`).",
                    )
        workshops = self.files.get("workshops.yaml")
        if workshops is not None and isinstance(workshops.data, dict):
            targets = set(self.chapters) | {o.get("slug") for o in self._data("partner_offers.yaml").get("offers") or [] if isinstance(o, dict)}
            topics = {t.get("slug") for t in workshops.data.get("topics") or [] if isinstance(t, dict)}
            for i, item in enumerate(workshops.data.get("workshops") or []):
                if not isinstance(item, dict):
                    continue
                related = item.get("related")
                if related and related not in targets:
                    self.problem(workshops, ("workshops", i, "related"), f"„{related}“ ist weder Partnerangebot noch Kapitel des Pakets.")
                for t, topic in enumerate(item.get("topics") or []):
                    if topic not in topics:
                        self.problem(workshops, ("workshops", i, "topics", t), f"Thema „{topic}“ steht nicht unter topics.")

    @staticmethod
    def _figure_keys() -> set[str]:
        from portal.figures.catalog import installed_figures

        return set(installed_figures())

    def _check_theme(self) -> None:
        site = self.files.get("site.yaml")
        theme = self._data("site.yaml").get("theme")
        if not isinstance(theme, dict):
            return
        colours = theme.get("colours") if isinstance(theme.get("colours"), dict) else {}
        for key, value in colours.items():
            try:
                ratio = contrast(_colour(str(value)), "#ffffff")
            except ValueError:
                continue  # reported by the schema
            if ratio < 4.5:
                self.problem(
                    site,
                    ("theme", "colours", key),
                    f"{value} erreicht auf Weiß nur {ratio:.1f}:1;".replace(".", ",") + " WCAG AA verlangt für Text mindestens 4,5:1.",
                )
        for key, kinds in (("logo", (".svg", ".png")), ("favicon", (".svg", ".png", ".ico"))):
            name = theme.get(key)
            if not name or not isinstance(name, str):
                continue
            path = (self.pack / name).resolve()
            if not path.is_relative_to(self.pack.resolve()):
                self.problem(site, ("theme", key), f"„{name}“ liegt außerhalb des Inhaltspakets.")
            elif not path.is_file():
                self.problem(site, ("theme", key), f"Datei „{name}“ fehlt im Inhaltspaket.")
            elif path.suffix.lower() not in kinds:
                self.problem(site, ("theme", key), f"„{name}“: erlaubt sind {', '.join(kinds)}.")

    def _check_translations(self) -> None:
        """``<code>/…`` files: the same structure as the German, only the words differ (content/README.md)."""
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
            folder = self.pack / code
            if code == settings.LANGUAGE_CODE or not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*.yaml")):
                relative = path.relative_to(folder)
                german = self.files.get(str(relative)) or next(
                    (c for c in self.chapters.values() if c.path.name == path.name and relative.parts[0] == "chapters"), None
                )
                if german is None:
                    if (self.pack / relative).exists():
                        continue  # the German file has problems of its own, reported above
                    self.problem(path, (), f"zu dieser Übersetzung fehlt die deutsche Datei {relative}.")
                    continue
                located = self.read(path)
                if located is not None:
                    self._twin(german.data, located, ())

    def _twin(self, german: Any, english: Located, at: tuple) -> None:
        from .content_pack import FACT_KEYS

        value = english.data
        for part in at:
            value = value[part]
        if value is None:
            return
        if isinstance(german, dict):
            if not isinstance(value, dict):
                self.problem(english, at, "erwartet eine Zuordnung (Schlüssel: Wert) wie im deutschen Original.")
                return
            for key, item in value.items():
                if key not in german:
                    if key != "slug":
                        self.problem(english, (*at, key), f"Feld „{key}“ gibt es im deutschen Original nicht.")
                elif key in FACT_KEYS:
                    if item != german[key] and str(item) != str(german[key]):
                        self.problem(
                            english, at, f"'{key}' muss wie im deutschen Original lauten ({german[key]!r}), nicht {item!r}."
                        )
                else:
                    self._twin(german[key], english, (*at, key))
        elif isinstance(german, list):
            if not isinstance(value, list) or len(value) != len(german):
                got = len(value) if isinstance(value, list) else "keine Liste"
                self.problem(
                    english, at, f"die Liste braucht {len(german)} Einträge wie im deutschen Original, gefunden: {got}."
                )
                return
            for i, item in enumerate(german):
                self._twin(item, english, (*at, i))
        elif isinstance(value, dict | list):
            self.problem(english, at, "erwartet einen Text wie im deutschen Original.")


def check_pack(pack: Path) -> list[str]:
    """Every problem of the pack in ``pack`` as ``FILE:LINE: …`` (German), by file and line; empty when it can be loaded."""
    import re

    def order(problem: str) -> tuple:
        found = re.match(r"(.*?):(\d+): ", problem)
        return (found.group(1), int(found.group(2))) if found else (problem, 0)

    return sorted(PackCheck(pack).run(), key=order)


# -- contrast (WCAG 2.1, relative luminance) ------------------------------------------------------


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours #rrggbb (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
