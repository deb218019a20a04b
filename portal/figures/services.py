"""Importing a cycle's data set, regenerating its figures and publishing them.

The rules that must hold live here, not in views or commands: a refused data
set changes nothing published; a regeneration stores its snapshots in one
transaction or not at all; publishing flips a cycle's figures in one
transaction, with the cycle row locked so two publications queue.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from portal.engine import __version__ as ENGINE_VERSION
from portal.engine.compute import compute_figures
from portal.engine.dataset import DataSetError, load_dataset
from portal.engine.plugins import PluginError, get_plugin_manager

from .models import Cycle, DataSetVersion, FigureSnapshot, Regeneration
from .signals import figures_changed

#: files of a data set that are kept; everything else in an upload is ignored
KEPT_SUFFIXES = (".csv", ".xlsx", ".toml")

Upload = str | Path | IO[bytes]


class ImportRefused(Exception):
    """Raised by callers that want an exception; carries the refused version."""

    def __init__(self, version: DataSetVersion):
        self.version = version
        super().__init__("\n".join(version.problems))


# --- import ----------------------------------------------------------------


def import_dataset(cycle: Cycle, upload: Upload, user=None, plan: Upload | None = None) -> DataSetVersion:
    """Validate an upload with the engine and keep it as a version of ``cycle``.

    ``upload`` is a ``.zip`` of the contract's CSV files and plan.toml, an
    ``.xlsx`` workbook (with ``plan``, or a plan.toml beside it on disk) or a
    folder. A refused version keeps every problem in ``FILE:LINE: column …``
    form. A valid data set whose fingerprint the cycle already holds returns
    the existing version instead of a new one.
    """
    with _staged(upload, plan) as (root, original_name):
        path = _dataset_path(root)
        try:
            dataset = load_dataset(path)
        except DataSetError as exc:
            problems = [str(p) for p in exc.problems]
            fingerprint, synthetic = _digest(root), False
        except PluginError as exc:
            problems = [str(exc)]
            fingerprint, synthetic = _digest(root), False
        else:
            problems, fingerprint, synthetic = [], dataset.fingerprint, dataset.synthetic
            existing = cycle.versions.filter(status=DataSetVersion.VALIDATED, fingerprint=fingerprint).first()
            if existing is not None:
                return existing
        archive = _zip_folder(root)
    version = DataSetVersion(
        cycle=cycle,
        original_name=original_name,
        fingerprint=fingerprint,
        synthetic=synthetic,
        uploaded_by=user if getattr(user, "pk", None) else None,
        status=DataSetVersion.REFUSED if problems else DataSetVersion.VALIDATED,
        problems=problems,
    )
    version.file.save(f"datensatz-{fingerprint[:12]}.zip", ContentFile(archive), save=False)
    version.save()
    return version


@contextmanager
def _staged(upload: Upload, plan: Upload | None) -> Iterator[tuple[Path, str]]:
    """Unpack an upload into a temporary folder that holds the data set's files."""
    tmp = Path(tempfile.mkdtemp(prefix="mep-upload-"))
    try:
        name = _name_of(upload)
        if isinstance(upload, (str, Path)) and Path(upload).is_dir():
            for file in Path(upload).iterdir():
                if file.is_file() and file.suffix.lower() in KEPT_SUFFIXES:
                    shutil.copyfile(file, tmp / file.name)
        elif name.lower().endswith(".zip"):
            _unzip(_read(upload), tmp)
        else:
            (tmp / Path(name).name).write_bytes(_read(upload))
            if plan is None and isinstance(upload, (str, Path)) and (Path(upload).parent / "plan.toml").is_file():
                plan = Path(upload).parent / "plan.toml"
            if plan is not None:
                (tmp / "plan.toml").write_bytes(_read(plan))
        yield tmp, Path(name).name
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _name_of(upload: Upload) -> str:
    if isinstance(upload, (str, Path)):
        return str(upload)
    return str(getattr(upload, "name", "") or "upload")


def _read(upload: Upload) -> bytes:
    if isinstance(upload, (str, Path)):
        return Path(upload).read_bytes()
    if hasattr(upload, "seek"):
        upload.seek(0)
    return upload.read()


def _unzip(data: bytes, target: Path) -> None:
    """Extract the data set's files flat into ``target``: a zip of a folder works too."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        (target / "upload.zip").write_bytes(data)  # the engine reports it as not a data set
        return
    with archive:
        for info in archive.infolist():
            name = Path(info.filename).name  # flat: no folders, no "..", no absolute paths
            if info.is_dir() or name.startswith(".") or Path(name).suffix.lower() not in KEPT_SUFFIXES:
                continue
            (target / name).write_bytes(archive.read(info))


def _dataset_path(root: Path) -> Path:
    """A workbook if the upload holds one, else the folder of CSV files."""
    workbooks = sorted(root.glob("*.xlsx"))
    return workbooks[0] if len(workbooks) == 1 else root


def _digest(root: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(root.iterdir()):
        digest.update(file.name.encode() + b"\0" + hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def _zip_folder(root: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(root.iterdir()):
            archive.writestr(zipfile.ZipInfo(file.name, date_time=(1980, 1, 1, 0, 0, 0)), file.read_bytes())
    return buffer.getvalue()


# --- regeneration ----------------------------------------------------------


def create_regeneration(version: DataSetVersion) -> Regeneration:
    """A queued regeneration of a validated version."""
    if version.status != DataSetVersion.VALIDATED:
        raise ValueError(f"Die Datensatz-Version {version.pk} wurde abgelehnt und kann nicht berechnet werden.")
    return Regeneration.objects.create(dataset_version=version)


def regenerate(version: DataSetVersion, publish_when_done: bool = False) -> Regeneration:
    """Compute every figure of ``version`` now, in this process."""
    regeneration = create_regeneration(version)
    run_regeneration(regeneration, publish_when_done=publish_when_done)
    return regeneration


def enqueue_regeneration(version: DataSetVersion, publish_when_done: bool = False) -> Regeneration:
    """Queue a regeneration as a background task (run inline by the immediate backend)."""
    from .tasks import regenerate_task

    regeneration = create_regeneration(version)
    regenerate_task.enqueue(regeneration.pk, publish_when_done)
    regeneration.refresh_from_db()
    return regeneration


def run_regeneration(regeneration: Regeneration, publish_when_done: bool = False) -> Regeneration:
    """Run the engine and store one snapshot per figure, all in one transaction.

    Any failure marks the regeneration failed with what went wrong (a plugin's
    name and error, or the data's problems) and stores no snapshot, so the
    published figures stay exactly as they were.
    """
    _update(regeneration, status=Regeneration.RUNNING, started=timezone.now(), progress="Daten werden gelesen …")
    version = regeneration.dataset_version
    try:
        pm = get_plugin_manager()
        with unpacked(version) as path:
            dataset = load_dataset(path, pm=pm)
            done: list[str] = []

            def progress(plugin: str, figures, seconds: float) -> None:
                done.append(f"{plugin}: {len(figures)} Abbildungen ({seconds:.1f} s)")
                _update(regeneration, progress="\n".join(done))

            results = compute_figures(dataset, pm=pm, progress=progress)
        with transaction.atomic():
            FigureSnapshot.objects.bulk_create(
                _snapshot(regeneration, plugin, figure, pm.versions.get(plugin, ""), dataset.fingerprint)
                for plugin, figure in results
            )
            _update(regeneration, status=Regeneration.SUCCEEDED, finished=timezone.now())
    except DataSetError as exc:
        _fail(regeneration, "Der Datensatz wurde abgelehnt:\n" + "\n".join(str(p) for p in exc.problems))
        return regeneration
    except PluginError as exc:
        _fail(regeneration, str(exc))
        return regeneration
    except Exception as exc:  # noqa: BLE001 – whatever breaks, the planner learns what
        _fail(regeneration, f"{type(exc).__name__}: {exc}")
        return regeneration
    _changed(regeneration)
    if publish_when_done:
        publish(regeneration)
    return regeneration


def _snapshot(regeneration, plugin, figure, plugin_version, fingerprint) -> FigureSnapshot:
    data = figure.data
    return FigureSnapshot(
        regeneration=regeneration,
        key=figure.key,
        plugin=plugin,
        title=figure.title,
        kind=figure.kind,
        summary=figure.summary,
        columns=[str(c) for c in data.columns],
        column_labels=figure.column_labels(),
        data=json.loads(data.to_json(orient="records", force_ascii=False)),
        data_csv=data.to_csv(index=False, lineterminator="\n"),
        svg=figure.svg or "",
        engine_version=ENGINE_VERSION,
        plugin_version=plugin_version,
        dataset_fingerprint=fingerprint,
    )


@contextmanager
def unpacked(version: DataSetVersion) -> Iterator[Path]:
    tmp = Path(tempfile.mkdtemp(prefix="mep-dataset-"))
    try:
        with version.file.open("rb") as fh:
            _unzip(fh.read(), tmp)
        yield _dataset_path(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _update(regeneration: Regeneration, **fields) -> None:
    for name, value in fields.items():
        setattr(regeneration, name, value)
    regeneration.save(update_fields=list(fields))


def _fail(regeneration: Regeneration, error: str) -> None:
    _update(regeneration, status=Regeneration.FAILED, error=error, finished=timezone.now())
    _changed(regeneration)


def _changed(regeneration: Regeneration) -> None:
    """Tell whoever keeps rendered figures (the page cache). Sent at once, not on commit: a
    fragment rendered meanwhile is keyed by the published regenerations it saw, so it cannot
    outlive the change."""
    figures_changed.send(sender=Regeneration, regeneration=regeneration)


# --- publishing ------------------------------------------------------------


@transaction.atomic
def publish(regeneration: Regeneration) -> Regeneration:
    """Make ``regeneration`` its cycle's published figures, all at once."""
    regeneration = Regeneration.objects.select_related("dataset_version__cycle").get(pk=regeneration.pk)
    if regeneration.status != Regeneration.SUCCEEDED:
        raise ValueError(
            f"Nur eine erfolgreiche Neuberechnung kann veröffentlicht werden (Status: {regeneration.get_status_display()})."
        )
    version = regeneration.dataset_version
    cycle = Cycle.objects.select_for_update().get(pk=version.cycle_id)
    Regeneration.objects.filter(dataset_version__cycle=cycle, published=True).update(published=False)
    DataSetVersion.objects.filter(cycle=cycle, is_published=True).update(is_published=False)
    DataSetVersion.objects.filter(pk=version.pk).update(is_published=True)
    Regeneration.objects.filter(pk=regeneration.pk).update(published=True, published_at=timezone.now())
    regeneration.refresh_from_db()
    _changed(regeneration)
    return regeneration
