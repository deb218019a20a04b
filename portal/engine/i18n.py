"""Figures in the reader's language: words from gettext catalogues, number symbols from Babel.

German is the source language. A plugin writes every reader-facing string in
German and passes it through a :class:`Translator`; its translations live in
ordinary gettext catalogues beside the plugin, ``locale/<language>/LC_MESSAGES/
<domain>.po``, read directly (no compile step) with Babel. The engine keeps
its own catalogue (units, "und", "ja"/"nein") as the fallback of every
plugin's, so a plugin translates only its own words.

Numbers are formatted the engine's way (commercial rounding, fixed decimals)
with the decimal and grouping symbols Babel's CLDR data gives for the
language: ``1.234,5`` in German, ``1,234.5`` in English. Nothing here imports
Django; the portal or ``mep compute --language`` picks the language.
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from portal.engine.numbers import format_number_with

#: the source language: every string is written in it, and it is what a missing translation shows
SOURCE_LANGUAGE = "de"
#: the languages the engine renders figures in (the portal stores each)
LANGUAGES: tuple[str, ...] = ("de", "en")
#: the languages a figure is translated into
TRANSLATIONS: tuple[str, ...] = tuple(language for language in LANGUAGES if language != SOURCE_LANGUAGE)
#: the engine's own catalogue: units, conjunctions, yes and no
ENGINE_LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "mep"

#: the CLDR locale Babel formats a language's numbers and dates with: the plan's English is British
BABEL_LOCALES = {"en": "en_GB"}

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def N_(message: str) -> str:
    """Mark a string for translation without translating it (catalogue titles, column labels, fixed vocabularies)."""
    return message


# The engine's own words, translated in locale/<language>/LC_MESSAGES/mep.po beside this module.
EUR = N_("%(amount)s €")
PERCENT = N_("%(number)s %%")
MILLIONS = N_("%(amount)s Mio. €")
AND = N_("%(items)s und %(last)s")
YES, NO = N_("ja"), N_("nein")
UNIT_MILLIONS, UNIT_THOUSANDS, UNIT_EUR = N_("Mio. €"), N_("Tsd. €"), N_("€")
#: what ``pybabel extract`` needs besides its defaults (``_``, ``N_``, ``ngettext``) to find every message
EXTRACT_KEYWORDS = {"tr": None, "plural": (2, 3)}


def normalize_language(language: str | None) -> str:
    """``"en-gb"`` → ``"en"``; an unknown or empty language is the source language."""
    code = (language or "").replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else SOURCE_LANGUAGE


def placeholders(message: str) -> set[str]:
    """The ``%(name)s`` placeholders of a message: a translation must keep exactly these."""
    return set(_PLACEHOLDER.findall(message))


@cache
def load_catalogue(locale_dir: str, domain: str, language: str) -> gettext.NullTranslations:
    """``locale_dir/<language>/LC_MESSAGES/<domain>.po`` as stdlib gettext translations; empty if there is none.

    The .po file is read with Babel and turned into a .mo in memory, so a
    plugin ships only its .po files; fuzzy entries are left out, as msgfmt does.
    """
    path = Path(locale_dir) / language / "LC_MESSAGES" / f"{domain}.po"
    if language == SOURCE_LANGUAGE or not path.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo  # Babel only when a translation is read: `mep compute` starts fast
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        catalog = read_po(fh, locale=language, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Messages:
    """A plugin's catalogues: ``Messages(Path(__file__).parent / "locale")``, then ``.translator(language)``."""

    def __init__(self, locale_dir: str | Path, domain: str = DOMAIN):
        self.locale_dir = Path(locale_dir)
        self.domain = domain

    def po_file(self, language: str) -> Path:
        return self.locale_dir / language / "LC_MESSAGES" / f"{self.domain}.po"

    def translator(self, language: str | None = SOURCE_LANGUAGE) -> Translator:
        """The translator for ``language`` (unknown languages fall back to German)."""
        return translator(str(self.locale_dir), self.domain, normalize_language(language))


@cache
def translator(locale_dir: str | None, domain: str, language: str) -> Translator:
    """One translator per catalogue and language, shared: catalogues are read once per process."""
    engine = load_catalogue(str(ENGINE_LOCALE), DOMAIN, language)
    if locale_dir is None:
        return Translator(language, engine)
    own = load_catalogue(locale_dir, domain, language)
    combined = gettext.NullTranslations()  # a fresh chain: the cached catalogues stay unchanged
    combined.add_fallback(own)
    combined.add_fallback(engine)
    return Translator(language, combined)


def engine_translator(language: str | None = SOURCE_LANGUAGE) -> Translator:
    """Numbers, units and yes/no in ``language``, with no plugin's words (the portal's table cells)."""
    return translator(None, DOMAIN, normalize_language(language))


@cache
def number_symbols(language: str) -> tuple[str, str]:
    """(decimal, group) symbols of ``language`` from Babel's CLDR data: ``(",", ".")`` for German."""
    from babel import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = Locale.parse(BABEL_LOCALES.get(language, language))
    return get_decimal_symbol(locale), get_group_symbol(locale)


class Translator:
    """One language's words and number formats.

    ``tr("Text mit %(n)s", n=…)`` translates and fills in; ``tr.number``,
    ``tr.eur``, ``tr.pct``, ``tr.amount`` and ``tr.join`` write numbers and
    lists the way a reader of the language expects.
    """

    def __init__(self, language: str, catalogue: gettext.NullTranslations):
        self.language = language
        self._catalogue = catalogue
        self._decimal, self._group = number_symbols(language)

    def __repr__(self) -> str:
        return f"<Translator {self.language}>"

    # --- words ---------------------------------------------------------------

    def __call__(self, message: str, **values) -> str:
        """``message`` in this language; with ``values``, a ``%(name)s`` template filled in."""
        text = self._catalogue.gettext(message) if self.language != SOURCE_LANGUAGE else message
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values) -> str:
        """The form of ``singular``/``plural`` for ``n``; ``%(count)s`` is ``n`` formatted as a number."""
        if self.language == SOURCE_LANGUAGE:
            text = singular if n == 1 else plural
        else:
            text = self._catalogue.ngettext(singular, plural, n)
        return text % {"count": self.number(n), **values}

    def title(self, info) -> str:
        """A catalogue entry's title in this language."""
        return self(info.title)

    def columns(self, info) -> dict[str, str]:
        """A catalogue entry's column headers in this language."""
        return {name: self(label) for name, label in info.columns.items()}

    def labels(self, values: Sequence[str]) -> list[str]:
        """Each value translated where the catalogue knows it (a plugin's fixed vocabulary), else as it is."""
        return [self(str(value)) for value in values]

    def knows(self, message: str) -> bool:
        """True when a catalogue of this language translates ``message``; German knows every message."""
        if self.language == SOURCE_LANGUAGE:
            return True
        catalogue = self._catalogue
        while catalogue is not None:  # the plugin's catalogue, then the engine's (stdlib gettext's fallback chain)
            if message in getattr(catalogue, "_catalog", {}):
                return True
            catalogue = getattr(catalogue, "_fallback", None)
        return False

    def value_labels(self, data) -> dict[str, str]:
        """The text values in ``data`` (a DataFrame) that a catalogue knows, translated: ``{"Grundschule":
        "Primary school"}``. Tables show them in this language; the data itself (CSV, JSON) keeps the
        contract's values. Values no catalogue knows (a school's name, a planner's label) are left out."""
        if self.language == SOURCE_LANGUAGE:
            return {}
        found = {}
        for column in data.columns:
            for value in data[column].dropna().unique():
                if isinstance(value, str) and value not in found and self.knows(value):
                    found[value] = self(value)
        return found

    # --- numbers -------------------------------------------------------------

    @property
    def number_format(self) -> dict[str, str]:
        """This language's number format as plain data, ``{"language": "en", "decimal": ".", "group": ","}``:
        what travels to a chart worker process, which rebuilds its tick formatter from it."""
        return {"language": self.language, "decimal": self._decimal, "group": self._group}

    def number(self, value: float | None, decimals: int = 0) -> str:
        """``1.234,50`` (de) or ``1,234.50`` (en) for ``number(1234.5, 2)``; a missing value is ``–``."""
        return format_number_with(value, decimals, self._decimal, self._group)

    def eur(self, value: float, decimals: int = 2) -> str:
        """``1.234,56 €`` / ``€1,234.56``"""
        return self(EUR, amount=self.number(value, decimals))

    def pct(self, value: float, decimals: int = 1) -> str:
        """``48,3 %`` / ``48.3%``"""
        return self(PERCENT, number=self.number(value, decimals))

    def millions(self, value: float, decimals: int = 1) -> str:
        """``12,3 Mio. €`` / ``€12.3 million``"""
        return self(MILLIONS, amount=self.number(value / 1e6, decimals))

    def amount(self, value: float) -> str:
        """A sum for a sentence: millions from a million on, else whole euros."""
        return self.millions(value) if abs(value) >= 1e6 else self.eur(value, 0)

    def plural(self, n: int, singular: str, plural: str) -> str:
        """``3 Schulen``: ``singular``/``plural`` are messages with ``%(count)s``."""
        return self.ngettext(singular, plural, n)

    def join(self, items: Sequence[str]) -> str:
        """``a, b und c`` / ``a, b and c``"""
        items = list(items)
        if len(items) <= 1:
            return "".join(items)
        return self(AND, items=", ".join(items[:-1]), last=items[-1])

    def date(self, value) -> str:
        """A day as readers of the language write it: ``31.12.2024`` / ``31 Dec 2024``."""
        from babel.dates import format_date

        return format_date(value, format="medium", locale=BABEL_LOCALES.get(self.language, self.language))

    def yes_no(self, value: bool) -> str:
        return self(YES) if value else self(NO)

    def money_unit(self, top: float) -> tuple[float, str, int]:
        """(scale, unit, decimals) that keep money tick labels short: Mio. €, Tsd. € or €."""
        if top >= 1e6:
            return 1e6, self(UNIT_MILLIONS), 1
        if top >= 1e4:
            return 1e3, self(UNIT_THOUSANDS), 0
        return 1.0, self(UNIT_EUR), 0

