"""Shared test helpers: the content pack as the tests read it."""

from pathlib import Path

import yaml
from django.conf import settings

PACK = Path(settings.BASE_DIR) / "content"


def pack(name: str):
    return yaml.safe_load((PACK / name).read_text(encoding="utf-8"))


def chapters() -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((PACK / "chapters").glob("*.yaml"))]
