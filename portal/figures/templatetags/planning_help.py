"""Links from a problem in a refusal report to the help page's section on its file."""

from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

register = template.Library()

_MISSING_SHEET = re.compile(r"Tabellenblatt (\w+) fehlt")


@register.simple_tag
def problem_help(problem: str) -> dict[str, str] | None:
    """The help page's anchor and a question for ``problem`` (``FILE:LINE: …``), or None when no section fits.

    Reads the file name only, without the engine: ``schools.csv`` and sheet ``schools`` lead to the
    table's columns, ``plan.toml`` to the settings.
    """
    file = str(problem).split(":", 1)[0].strip()
    missing = _MISSING_SHEET.search(str(problem))
    if missing:
        file = missing.group(1)
    if not file or any(c.isspace() for c in file):
        return None  # not about a file: a plugin that failed, say
    url = reverse("figures_admin:help")
    if file == "plan.toml":
        return {"url": f"{url}#plan-toml", "label": _("Was gehört in plan.toml?")}
    name = file.removesuffix(".csv")
    if re.fullmatch(r"[a-z][a-z0-9_]*", name):
        return {"url": f"{url}#tabelle-{name}", "label": _("Welche Spalten braucht %(file)s?") % {"file": f"{name}.csv"}}
    return {"url": url, "label": _("Welche Dateien braucht ein Datensatz?")}
