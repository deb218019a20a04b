"""Who runs this portal: name, city, Medienzentrum and theme, read from the content pack's ``site.yaml``.

Nothing about one Schulträger is written into templates or code: they ask
:func:`site_identity` (templates get it as ``identity``). The German values
come from ``site.yaml``, a language's own from ``<code>/site.yaml`` beside it
(missing keys stay German). The files are read once per process and language
and read again when they change; ``load_content`` checks them first (see
``pack_schema.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
import yaml
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

#: the theme's colours: CSS custom property of mep.css -> key in ``site.yaml`` (``theme.colours``)
THEME_COLOURS = {"brand": "--brand", "brand_dark": "--brand-dark", "accent": "--accent"}
#: the portal's own look, used where a pack has no theme
DEFAULT_COLOURS = {"brand": "#004f9f", "brand_dark": "#00376f", "accent": "#a4005b"}


@dataclass(frozen=True)
class Theme:
    colours: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLOURS))
    logo: Path | None = None  # an SVG or PNG file in the pack
    favicon: Path | None = None

    def css(self) -> str:
        lines = [f"  {THEME_COLOURS[key]}: {value};" for key, value in self.colours.items() if key in THEME_COLOURS]
        return ":root {\n" + "\n".join(lines) + "\n}\n"


@dataclass(frozen=True)
class SiteIdentity:
    name: str  # "Medienentwicklungsplan Bochum": page titles, the open-data API, the admin
    city: str  # "Stadt Bochum": the header's second line
    footer: str  # Markdown, shown as HTML in the footer
    medienzentrum: str  # "Medienzentrum Bochum": who answers questions about workshops
    studio: str  # "Medienstudio Bochum": the workshops' place, as a name
    studio_location: str  # "Medienstudio im Medienzentrum Bochum": the place as a location
    address: str  # "Universitätsstraße 43–49, 44789 Bochum"
    theme: Theme

    @property
    def footer_html(self) -> str:
        return mark_safe(markdown.markdown(self.footer.strip(), output_format="html"))  # the pack's own Markdown

    @property
    def studio_address(self) -> str:
        """Where a workshop in the Medienstudio takes place: shown on dates, in e-mails and calendar entries."""
        return f"{self.studio_location}, {self.address}"


def pack_dir() -> Path:
    return Path(settings.MEP_CONTENT_PACK)


_cache: dict[tuple, SiteIdentity] = {}


def _stamp(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def site_identity(language: str | None = None) -> SiteIdentity:
    """The identity of the portal in ``language`` (default: the active language)."""
    pack = pack_dir()
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    german, translated = pack / "site.yaml", pack / language / "site.yaml"
    key = (str(pack), language, _stamp(german), _stamp(translated))
    if key not in _cache:
        data = _read(german)
        if language != settings.LANGUAGE_CODE:
            data = _over(data, _read(translated))
        if len(_cache) > 32:  # files changed many times in a long-running process
            _cache.clear()
        _cache[key] = _identity(pack, data)
    return _cache[key]


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _over(german: Any, translated: Any) -> Any:
    """A translation's texts over the German (keys it leaves out stay German)."""
    if isinstance(german, dict) and isinstance(translated, dict):
        return {key: _over(value, translated.get(key)) for key, value in german.items()}
    return german if translated is None or isinstance(translated, dict | list) else translated


def _identity(pack: Path, data: dict) -> SiteIdentity:
    def text(mapping: Any, key: str, default: str = "") -> str:
        value = mapping.get(key) if isinstance(mapping, dict) else None
        return str(value).strip() if value not in (None, "") else default

    centre = data.get("medienzentrum") or {}
    theme = data.get("theme") or {}
    colours = dict(DEFAULT_COLOURS)
    colours.update({k: str(v) for k, v in (theme.get("colours") or {}).items() if k in THEME_COLOURS})

    def file(key: str) -> Path | None:
        name = text(theme, key)
        return (pack / name) if name else None

    return SiteIdentity(
        name=text(data, "name", "Medienentwicklungsplan"),
        city=text(data, "city"),
        footer=text(data, "footer"),
        medienzentrum=text(centre, "name", "Medienzentrum"),
        studio=text(centre, "studio", "Medienstudio"),
        studio_location=text(centre, "studio_location", text(centre, "studio", "Medienstudio")),
        address=text(centre, "address"),
        theme=Theme(colours=colours, logo=file("logo"), favicon=file("favicon")),
    )
