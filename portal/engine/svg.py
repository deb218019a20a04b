"""SVG documents a screen reader announces: a ``<title>``, a ``<desc>`` and ``role="img"``.

Plain text work, no matplotlib: the main process gives every plugin's chart
its title and description, whichever process drew it.
"""

from __future__ import annotations

import re
from html import escape as _escape  # not xml.sax.saxutils: it imports urllib.request, some 50 ms at every start

_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def ensure_accessible_svg(svg: str, title: str, desc: str, ident: str = "mep-chart") -> str:
    """Give an SVG document a ``<title>``, a ``<desc>`` and ``role="img"``, unless it has them."""
    match = _SVG_OPEN.search(svg)
    if match is None:
        raise ValueError("kein SVG-Dokument")
    head = match.group(0)
    body = svg[match.end() :]
    ident = re.sub(r"[^A-Za-z0-9_-]", "-", ident)
    if re.match(r"\s*<title\b", body):
        return svg
    attributes = f' role="img" aria-labelledby="{ident}-title {ident}-desc"'  # ident holds no character to quote
    if 'role="img"' in head:
        attributes = ""
    new_head = head[:-1] + attributes + ">"
    inserted = (
        f'\n <title id="{ident}-title">{_escape(title, quote=False)}</title>'
        f'\n <desc id="{ident}-desc">{_escape(desc, quote=False)}</desc>'
    )
    return svg[: match.start()] + new_head + inserted + body
