"""Where a section or key stands in a TOML text (plan.toml, a scenario, an asset mapping), for problem locations.

Kept apart from :mod:`portal.engine.plan_toml` so that readers of small TOML files (``mep import-assets``)
do not load pandas.
"""

from __future__ import annotations

import re


class PlanText:
    """Finds the line of a section or key in plan.toml, for problem locations."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def line(self, section: str, key: str | None) -> int | None:
        current = ""
        section_line = None
        for number, raw in enumerate(self.lines, start=1):
            stripped = raw.split("#", 1)[0].strip()
            header = re.fullmatch(r"\[\s*([^\[\]]+?)\s*\]", stripped)
            if header:
                current = header.group(1).replace('"', "").replace(" ", "")
                if current == section:
                    section_line = number
                continue
            if current == section and key is not None:
                match = re.match(r'\s*"?([^"=]+?)"?\s*=', raw)
                if match and match.group(1).strip() == key:
                    return number
        return section_line
