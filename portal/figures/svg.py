"""Placing a stored SVG into a page: no XML prolog, and ids that are unique on the page.

A chart's ids (its ``<title>``, ``<desc>``, clip paths) are the same wherever
the same figure is shown; two copies on one page, or two cycles of one figure
side by side, would otherwise share ids and confuse screen readers.
"""

from __future__ import annotations

import re

_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.IGNORECASE)
_ID = re.compile(r'\bid="([^"]+)"')
_ID_LIST = re.compile(r'\b(aria-labelledby|aria-describedby)="([^"]*)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')


def inline_svg(svg: str, prefix: str) -> str:
    """``svg`` ready to inline: prolog removed, every id and reference to it prefixed with ``prefix``."""
    svg = _PROLOG.sub("", svg)
    known = set(_ID.findall(svg))
    if not known:
        return svg

    def scoped(ident: str) -> str:
        return f"{prefix}-{ident}" if ident in known else ident

    svg = _ID.sub(lambda m: f'id="{scoped(m.group(1))}"', svg)
    svg = _ID_LIST.sub(lambda m: f'{m.group(1)}="{" ".join(scoped(i) for i in m.group(2).split())}"', svg)
    return _REFERENCE.sub(lambda m: m.group(1) + scoped(m.group(2)), svg)
