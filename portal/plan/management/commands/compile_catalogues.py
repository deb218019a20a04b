"""Compile the interface translations (.po → .mo) in pure Python, so no GNU gettext is needed.

``make`` runs it on every install; translators run it after editing a .po file. Only
catalogues whose .mo is missing or older than the .po are written (``--force``: all).
polib (already required by wagtail-localize) writes the .mo exactly as ``msgfmt``
does: untranslated and fuzzy entries are left out, so they fall back to German.
"""

from __future__ import annotations

import os
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogue_files(root: Path | None = None) -> list[Path]:
    """Every django.po of the portal: the apps' own locale folders and LOCALE_PATHS."""
    roots = [Path(root)] if root else [Path(settings.PORTAL_DIR), *map(Path, settings.LOCALE_PATHS)]
    found = {po.resolve() for base in roots for po in base.glob("**/locale/*/LC_MESSAGES/django.po")}
    found |= {po.resolve() for base in roots for po in base.glob("*/LC_MESSAGES/django.po")}
    return sorted(found)


def compile_catalogue(po_path: Path) -> Path:
    """Write the .mo beside ``po_path``; a broken .po raises ``ValueError`` naming the file."""
    mo_path = po_path.with_suffix(".mo")
    try:
        catalogue = polib.pofile(str(po_path), check_for_duplicates=True)
    except (OSError, ValueError) as error:
        raise ValueError(f"{po_path}: {error}") from error
    # Written beside, then renamed: a process reading the catalogue meanwhile sees the old or the new file, never half of one.
    partial = mo_path.with_name(f".{mo_path.name}.{os.getpid()}")
    catalogue.save_as_mofile(str(partial))
    os.replace(partial, mo_path)
    return mo_path


def is_stale(po_path: Path) -> bool:
    mo_path = po_path.with_suffix(".mo")
    return not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime


class Command(BaseCommand):
    help = "Übersetzungskataloge (.po) in .mo-Dateien übersetzen – ohne GNU gettext."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="alle Kataloge neu schreiben, nicht nur veraltete")

    def handle(self, *args, force=False, **options):
        written = 0
        for po_path in catalogue_files():
            if force or is_stale(po_path):
                try:
                    compile_catalogue(po_path)
                except ValueError as error:
                    raise CommandError(f"Übersetzungskatalog fehlerhaft: {error}") from error
                written += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"{po_path.with_suffix('.mo')}")
        if options["verbosity"] > 0:
            self.stdout.write(f"Übersetzungskataloge: {written} neu geschrieben.")
