"""A data set upload whose inventory comes from an asset-management export (issue 15, point 1).

The planner uploads the data set's other tables (a ``.zip``) together with an
export and its mapping. :func:`prepare` runs the engine's importer on them
and keeps the data set, its ``inventory.csv`` replaced by the import's, as a
pending file in the private storage; the view shows the import report, and
only :func:`accept` hands the data set to the ordinary upload
(:func:`~portal.figures.services.receive_upload`), so nothing reaches a cycle
before the planner has seen what was counted.

Unlike the rest of an upload, the export is read in the request: the report
has to be shown before anything is accepted, and the importer is one pass
over at most ``MEP_UPLOAD_MAX_MB`` (100,000 assets take about a second).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django import forms
from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .models import Cycle, DataSetVersion
from .storage import private_storage

SESSION_KEY = "figures_asset_imports"
PENDING_FOLDER = "pending-asset-imports"
INVENTORY = "inventory.csv"
STALE_AFTER = dt.timedelta(days=1)  # a pending import not accepted by then is dropped with the next one


@dataclass
class Prepared:
    """What :func:`prepare` found: either problems (and perhaps a mapping template) or a report and a pending token."""

    problems: list[str] = field(default_factory=list)
    template: str = ""
    token: str = ""
    report: dict[str, Any] = field(default_factory=dict)


def prepare(request, cycle: Cycle, dataset, export, mapping, format: str | None) -> Prepared:
    """Import ``export`` through ``mapping`` into the uploaded data set ``dataset`` (a .zip); nothing is accepted yet."""
    from portal.engine.assets import import_assets, read_mapping

    limits = services.dataset_limits()
    mapping_text, problems = _text(mapping)
    parsed, mapping_problems = read_mapping(None, text=mapping_text or "", file=Path(mapping.name).name, format=format or None)
    problems += [str(p) for p in mapping_problems]
    result = None
    if parsed.columns_ok and mapping_text is not None:
        result = import_assets(_read(export), parsed, file=Path(export.name).name, limits=limits)
        problems += [str(p) for p in result.problems]
    template = result.template() if result is not None and result.readable else ""
    if problems:
        return Prepared(problems=problems, template=template)
    with tempfile.TemporaryDirectory(prefix="mep-assets-") as tmp:
        root = Path(tmp)
        refused = services._unzip(_seekable(dataset), root, limits)
        if refused:
            return Prepared(problems=[f"{Path(dataset.name).name}: {problem}" for problem in refused])
        unknown = result.unknown_targets(*_keys(root))
        if unknown:  # caught here, the problem points at the mapping, not at a line of the generated inventory.csv
            return Prepared(problems=[str(p) for p in unknown], template=template)
        replaced = (root / INVENTORY).exists()
        (root / INVENTORY).write_text(result.inventory_csv(), encoding="utf-8")
        names = _school_names(root / "schools.csv")
        token = secrets.token_hex(16)
        with tempfile.TemporaryFile() as packed:
            services._zip_folder(root, packed)
            packed.seek(0)
            private_storage().save(_pending_name(token), File(packed))
    report = result.summary()
    report["replaced_inventory"] = replaced
    groups = list(report["by_product_group"])
    report["product_groups"] = groups
    report["skipped"] = result.skipped
    report["school_rows"] = [  # the table's rows: a template cannot look a count up by two keys
        {
            "school": school,
            "name": names.get(school, ""),
            "total": sum(counts.values()),
            "counts": [counts.get(group, 0) for group in groups],
        }
        for school, counts in report["by_school"].items()
    ]
    _forget_all(request)  # one pending import per session: a new upload replaces the last one
    drop_stale()
    request.session[SESSION_KEY] = {
        token: {
            "cycle": cycle.pk,
            "original_name": f"{Path(dataset.name).name} + {Path(export.name).name}",
        }
    }
    return Prepared(token=token, report=report)


def accept(request, token: str, user=None) -> DataSetVersion | None:
    """Hand the pending data set of ``token`` to the ordinary upload and check; None if the session holds no such import."""
    pending = request.session.get(SESSION_KEY, {}).get(token)
    if pending is None:
        return None
    cycle = Cycle.objects.filter(pk=pending["cycle"]).first()
    if cycle is None:
        discard(request, token)
        return None
    storage = private_storage()
    with storage.open(_pending_name(token), "rb") as fh:
        received = services.receive_upload(cycle, File(fh, name=f"{token}.zip"), user=user)
    received.original_name = pending["original_name"][:300]
    received.save(update_fields=["original_name"])
    discard(request, token)
    return services.queue_validation(received)


def discard(request, token: str) -> bool:
    """Drop a pending import; False if the session holds no such import."""
    imports = request.session.get(SESSION_KEY, {})
    if token not in imports:
        return False
    private_storage().delete(_pending_name(token))
    del imports[token]
    request.session[SESSION_KEY] = imports
    return True


def drop_stale(max_age: dt.timedelta = STALE_AFTER) -> None:
    """Delete pending imports nobody accepted or discarded (the session ended): older than ``max_age``."""
    storage = private_storage()
    try:
        _folders, files = storage.listdir(PENDING_FOLDER)
    except FileNotFoundError:
        return
    now = timezone.now()
    for name in files:
        path = f"{PENDING_FOLDER}/{name}"
        if now - storage.get_modified_time(path) > max_age:
            storage.delete(path)


def _forget_all(request) -> None:
    for token in list(request.session.get(SESSION_KEY, {})):
        discard(request, token)


def _pending_name(token: str) -> str:
    if not token.isalnum():  # the token names a file: never a path
        raise ValueError("invalid token")
    return f"{PENDING_FOLDER}/{token}.zip"


def _read(upload) -> bytes:
    upload.seek(0)
    return upload.read()


def _seekable(upload):
    upload.seek(0)
    return upload.file if hasattr(upload, "file") else upload


def _text(upload) -> tuple[str | None, list[str]]:
    try:
        return _read(upload).decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return None, [f"{Path(upload.name).name}: Datei ist nicht UTF-8-kodiert"]


def _keys(root: Path) -> tuple[set[str] | None, set[str] | None]:
    """The school_ids of schools.csv and the product groups of catalog.csv; None where a file or column is missing or unreadable."""
    return _column(root / "schools.csv", "school_id"), _column(root / "catalog.csv", "product_group")


def _column(path: Path, name: str) -> set[str] | None:
    try:
        reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
        rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    if name not in (reader.fieldnames or ()):
        return None
    return {(row.get(name) or "").strip() for row in rows}


def _school_names(path: Path) -> dict[str, str]:
    """school_id -> name from the upload's schools.csv, for the report; empty when it cannot be read (validation says why)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    return {row.get("school_id", ""): row.get("name", "") for row in csv.DictReader(io.StringIO(text))}


# --- the upload form's fields -------------------------------------------------

TEMPLATE_SESSION_KEY = "figures_asset_import_template"
FORMATS = [("", gettext_lazy("eigene Spalten (in der Zuordnung)")), ("snipeit", "Snipe-IT"), ("glpi", "GLPI")]


class AssetImportFields(forms.Form):
    """The optional export, mapping and format of an upload: the inventory from an asset-management system."""

    assets_export = forms.FileField(
        label=gettext_lazy("Export aus der Inventarverwaltung (optional)"),
        required=False,
        help_text=gettext_lazy(
            "Eine CSV-Datei mit einer Zeile je Gerät (Snipe-IT, GLPI oder eigene Spalten). "
            "Daraus wird inventory.csv; die übrigen Tabellen kommen aus der .zip oben."
        ),
    )
    assets_mapping = forms.FileField(
        label=gettext_lazy("Zuordnung zum Export (.toml)"),
        required=False,
        help_text=gettext_lazy("Welche Spalte was enthält und welcher Standort welche Schule, welches Modell welche Produktgruppe ist"),
    )
    assets_format = forms.ChoiceField(label=gettext_lazy("Format des Exports"), choices=FORMATS, required=False)

    def clean_asset_import(self, data: dict[str, Any]) -> None:
        """Export and mapping come together, as a .csv and a .toml, beside a .zip of the other tables."""
        export, mapping = data.get("assets_export"), data.get("assets_mapping")
        if export is None and mapping is None:
            return
        if export is None:
            self.add_error("assets_export", _("Zur Zuordnung gehört der Export aus der Inventarverwaltung."))
        elif not export.name.lower().endswith(".csv"):
            self.add_error("assets_export", _("Bitte den Export als .csv-Datei hochladen."))
        elif export.size > services.upload_limit():
            self.add_error("assets_export", _too_big())
        if mapping is None:
            self.add_error("assets_mapping", _("Zum Export gehört eine Zuordnung (.toml)."))
        elif not mapping.name.lower().endswith(".toml"):
            self.add_error("assets_mapping", _("Bitte die Zuordnung als .toml-Datei hochladen."))
        elif mapping.size > services.upload_limit():
            self.add_error("assets_mapping", _too_big())
        upload = data.get("file")
        if upload is not None and not upload.name.lower().endswith(".zip"):
            self.add_error(
                "file", _("Zusammen mit einem Export aus der Inventarverwaltung bitte die übrigen Tabellen als .zip mit CSV-Dateien hochladen.")
            )


def _too_big() -> str:
    from .admin_views import too_big_message

    return too_big_message()


def remember_template(request, template: str) -> None:
    """Keep a mapping template for its download (only the latest one)."""
    if template:
        request.session[TEMPLATE_SESSION_KEY] = template
    else:
        request.session.pop(TEMPLATE_SESSION_KEY, None)


def remembered_template(request) -> str | None:
    return request.session.get(TEMPLATE_SESSION_KEY)
