"""Placing a stored SVG into a page: no XML prolog, no CSS, and ids that are unique on the page.

A chart's ids (its ``<title>``, ``<desc>``, clip paths) are the same wherever
the same figure is shown; two copies on one page, or two cycles of one figure
side by side, would otherwise share ids and confuse screen readers.

matplotlib styles its SVG with a ``<style>`` element and ``style="…"``
attributes, which the portal's Content-Security-Policy (``style-src 'self'``)
blocks; they become SVG presentation attributes, which it allows.
"""

from __future__ import annotations

import re

_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.IGNORECASE)
_ID = re.compile(r'\bid="([^"]+)"')
_ID_LIST = re.compile(r'\b(aria-labelledby|aria-describedby)="([^"]*)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')

_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style>|<style\b[^>]*/>", re.IGNORECASE | re.DOTALL)
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_START_TAG = re.compile(r"""<([A-Za-z][\w.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)(\s*/?)>""")
_ATTRIBUTE = re.compile(r"""\s+([\w:.-]+)\s*=\s*("[^"]*"|'[^']*')""")
_EMPTY_DEFS = re.compile(r"<defs>\s*</defs>\s*")
_ANY_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)

#: CSS properties that SVG also takes as presentation attributes (SVG 2, §6.6)
PRESENTATION_ATTRIBUTES = frozenset(
    """alignment-baseline baseline-shift clip-path clip-rule color color-interpolation
    color-interpolation-filters color-rendering cursor direction display dominant-baseline fill
    fill-opacity fill-rule filter flood-color flood-opacity font-family font-size font-size-adjust
    font-stretch font-style font-variant font-weight image-rendering letter-spacing lighting-color
    marker-end marker-mid marker-start mask opacity overflow paint-order pointer-events
    shape-rendering stop-color stop-opacity stroke stroke-dasharray stroke-dashoffset stroke-linecap
    stroke-linejoin stroke-miterlimit stroke-opacity stroke-width text-anchor text-decoration
    text-rendering unicode-bidi vector-effect visibility word-spacing writing-mode""".split()
)
#: of those, the ones an element passes on to its children: a ``*`` rule for them goes to the root only
INHERITED = PRESENTATION_ATTRIBUTES - {
    "alignment-baseline", "baseline-shift", "clip-path", "display", "filter", "flood-color", "flood-opacity",
    "lighting-color", "mask", "opacity", "overflow", "stop-color", "stop-opacity", "text-decoration",
    "unicode-bidi", "vector-effect",
}
#: elements a ``*`` rule need not reach: they are never drawn
_NOT_DRAWN = frozenset({"title", "desc", "metadata", "style"})


def csp_ready(svg: str) -> str:
    """``svg`` without prolog and with its styles as attributes: done once, when a snapshot is stored."""
    return presentation_attributes(_PROLOG.sub("", svg))


def inline_svg(svg: str, prefix: str) -> str:
    """``svg`` ready to inline: prolog removed, styles as attributes, every id and reference to it prefixed.

    A snapshot stored since :func:`csp_ready` exists has no styles left, and a page view skips that work.
    """
    svg = _PROLOG.sub("", svg)
    if _ANY_STYLE.search(svg):
        svg = presentation_attributes(svg)
    known = set(_ID.findall(svg))
    if not known:
        return svg

    def scoped(ident: str) -> str:
        return f"{prefix}-{ident}" if ident in known else ident

    svg = _ID.sub(lambda m: f'id="{scoped(m.group(1))}"', svg)
    svg = _ID_LIST.sub(lambda m: f'{m.group(1)}="{" ".join(scoped(i) for i in m.group(2).split())}"', svg)
    return _REFERENCE.sub(lambda m: m.group(1) + scoped(m.group(2)), svg)


def presentation_attributes(svg: str) -> str:
    """``svg`` without ``<style>`` elements and ``style`` attributes, their declarations kept as attributes.

    The cascade is kept: a ``style`` attribute beats a ``<style>`` rule, which beats an
    attribute; a ``*`` rule's inherited properties go to the root element (matplotlib's
    ``*{stroke-linejoin: round; ...}``), which assumes no group overrides them, as
    matplotlib's never do. Rules for other selectors than ``*`` and element names, and
    properties SVG has no attribute for, are dropped (the policy would block them anyway).
    """
    rules: dict[str, dict[str, str]] = {}

    def collect(match: re.Match) -> str:
        for selectors, body in _CSS_RULE.findall(match.group(1) or ""):
            for selector in selectors.split(","):
                rules.setdefault(selector.strip(), {}).update(_declarations(body))
        return ""

    svg = _EMPTY_DEFS.sub("", _STYLE_ELEMENT.sub(collect, svg))
    seen_root: list[str] = []

    def restyle(match: re.Match) -> str:
        name, attributes, end = match.groups()
        pairs = _ATTRIBUTE.findall(attributes)  # values keep their quotes
        style = next((value[1:-1] for key, value in pairs if key == "style"), None)
        if style is None and not rules:
            return match.group(0)
        root = name == "svg" and not seen_root
        if root:
            seen_root.append(name)
        everywhere = {p: v for p, v in rules.get("*", {}).items() if root or p not in INHERITED}
        wanted = {**({} if name in _NOT_DRAWN else everywhere), **rules.get(name, {})}
        wanted.update(_declarations(style or ""))
        kept = [(key, value) for key, value in pairs if key != "style" and key not in wanted]
        added = [(key, f'"{value}"') for key, value in wanted.items()]
        return f"<{name}" + "".join(f" {key}={value}" for key, value in [*kept, *added]) + f"{end}>"

    return _START_TAG.sub(restyle, svg)


def _declarations(css: str) -> dict[str, str]:
    """``fill: #fff; stroke: none`` as {property: value}, only properties SVG takes as attributes."""
    found = {}
    for declaration in css.split(";"):
        prop, _, value = declaration.partition(":")
        prop, value = prop.strip().lower(), value.strip().replace('"', "'")
        if prop in PRESENTATION_ATTRIBUTES and value and "!important" not in value:
            found[prop] = value
    return found
