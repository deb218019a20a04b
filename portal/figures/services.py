"""Importing a cycle's data set, regenerating its figures and publishing them.

The rules that must hold live here, not in views or commands: a refused data
set changes nothing published; a regeneration stores its snapshots in one
transaction or not at all; publishing flips a cycle's figures in one
transaction, with the cycle row locked so two publications queue.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks.base import TaskResultStatus
from wagtail.log_actions import log

from portal.engine import __version__ as ENGINE_VERSION
from portal.engine.i18n import TRANSLATIONS
from portal.engine.limits import DEFAULT_LIMITS, MB, LimitExceeded, Limits, archive_problems, extract_entry
from portal.engine.plugins import PluginError, get_plugin_manager

from .models import Cycle, DataSetVersion, FigureSnapshot, Regeneration
from .provenance import record_changes
from .schools import read_schools, schools_of
from .signals import figures_changed
from .storage import unguessable_name
from .svg import csp_ready

#: The engine's modules that read and compute data sets (portal.engine.compute, .dataset, .specs) bring
#: pandas and numpy, half a second of every process's start. They are imported where they are used, so a
#: process that serves pages or runs a management command (a gunicorn worker, ``manage.py check``) never loads them.
_ENGINE_ON_USE = ("portal.engine.compute", "portal.engine.dataset", "portal.engine.specs")

#: files of a data set that are kept; everything else in an upload is ignored
KEPT_SUFFIXES = (".csv", ".xlsx", ".toml")

Upload = str | Path | IO[bytes]


# --- import ----------------------------------------------------------------


def upload_limit() -> int:
    """The largest upload in bytes (``MEP_UPLOAD_MAX_MB``)."""
    return settings.MEP_UPLOAD_MAX_MB * MB


def dataset_limits() -> Limits:
    """The engine's limits, with the unpacked file size from ``MEP_UNPACKED_MAX_MB``."""
    file_bytes = settings.MEP_UNPACKED_MAX_MB * MB
    return replace(DEFAULT_LIMITS, file_bytes=file_bytes, total_bytes=max(DEFAULT_LIMITS.total_bytes, file_bytes))


def import_dataset(
    cycle: Cycle, upload: Upload, user=None, plan: Upload | None = None, accept_mismatch: bool = False
) -> DataSetVersion:
    """Keep an upload and validate it now, in this process (commands, tests): :func:`receive_upload`, then :func:`validate_version`.

    A data set that does not fit ``cycle`` stays unaccepted (:data:`DataSetVersion.MISMATCH`) unless
    ``accept_mismatch``: then it is accepted as :func:`accept_mismatch` does, logged.
    """
    version = validate_version(receive_upload(cycle, upload, user=user, plan=plan))
    if accept_mismatch and version.status == DataSetVersion.MISMATCH:
        version = accept_cycle_mismatch(version, user=user)
    return version


def receive_upload(cycle: Cycle, upload: Upload, user=None, plan: Upload | None = None) -> DataSetVersion:
    """Keep an upload, unread, as a version that is being checked; the request does no more than this.

    ``upload`` is a ``.zip`` of the contract's CSV files and plan.toml, an
    ``.xlsx`` workbook (with ``plan``, or a plan.toml beside it on disk) or a
    folder. It is stored as it came (a workbook zipped with its plan) in the
    private storage, under an unguessable name.
    """
    version = DataSetVersion(
        cycle=cycle,
        original_name=Path(_name_of(upload)).name,
        uploaded_by=user if getattr(user, "pk", None) else None,
        status=DataSetVersion.CHECKING,
    )
    with tempfile.TemporaryFile() as received:
        _pack(upload, plan, received)
        received.seek(0)
        version.file.save(unguessable_name(), File(received), save=False)
    version.save()
    return version


def queue_validation(version: DataSetVersion) -> DataSetVersion:
    """Validate ``version`` in the background worker; the version as it stands after enqueueing.

    With the immediate backend (demo, tests) that is the outcome: the validated
    or refused version, or the earlier version holding the same data.
    """
    from .tasks import validate_task

    result = validate_task.enqueue(version.pk)
    if result.is_finished and result.status == TaskResultStatus.SUCCESSFUL:
        return DataSetVersion.objects.get(pk=result.return_value)
    return version


def validate_version(version: DataSetVersion) -> DataSetVersion:
    """Check a received version with the engine, within the limits; refused versions keep their problems only.

    A refused version lists every problem in ``FILE:LINE: column …`` form and
    its file is deleted. A validated version's data set is kept deflated under
    a new unguessable name. If the cycle already holds a validated version with
    the same fingerprint, this one is dropped and that one returned.
    """
    from portal.engine.dataset import DataSetError, load_dataset  # see _ENGINE_ON_USE

    version = DataSetVersion.objects.get(pk=version.pk)
    if version.status != DataSetVersion.CHECKING:
        return version  # a task run twice
    received = version.file.name
    limits = dataset_limits()
    mismatches: list[str] = []
    with tempfile.TemporaryDirectory(prefix="mep-upload-") as tmp, tempfile.TemporaryFile() as archive:
        root = Path(tmp)
        problems = [f"{version.original_name}: {problem}" for problem in _unzip_file(version, root, limits)]
        uploaded_plan = _plan_of(version.cycle, root) if not problems else None
        fingerprint, synthetic = _digest(root), False
        if not problems:
            try:
                dataset = load_dataset(_dataset_path(root), limits=limits)
            except DataSetError as exc:
                problems = [str(p) for p in exc.problems]
            except PluginError as exc:
                problems = [str(exc)]
            except Exception as exc:  # noqa: BLE001 – a version must not stay "being checked" for ever
                problems = [f"{version.original_name}: nicht lesbar ({type(exc).__name__}: {exc})"]
            else:
                fingerprint, synthetic = dataset.fingerprint, dataset.synthetic
                version.schools = schools_of(dataset)
                same = list(  # the same data held already: accepted, or waiting for a planner to accept it
                    version.cycle.versions.filter(
                        status__in=(DataSetVersion.VALIDATED, DataSetVersion.MISMATCH), fingerprint=fingerprint
                    ).exclude(pk=version.pk)
                )
                existing = next((v for v in same if v.status == DataSetVersion.VALIDATED), same[0] if same else None)
                if existing is not None:
                    version.delete()
                    version.file.storage.delete(received)
                    return existing
                mismatches = cycle_mismatches(version.cycle, dataset.plan)
                if uploaded_plan is not None and not mismatches:  # the form shows the settings uploaded last
                    Cycle.objects.filter(pk=version.cycle_id).update(plan_toml=uploaded_plan)
                _zip_folder(root, archive)
                archive.seek(0)
                version.file.save(unguessable_name(), File(archive), save=False)
    if problems:
        version.file = ""  # a refused upload keeps its problems, not its data
        version.status = DataSetVersion.REFUSED
    elif mismatches:  # kept, so a planner who means it can accept it without uploading again
        problems, version.status = mismatches, DataSetVersion.MISMATCH
    else:
        version.status = DataSetVersion.VALIDATED
    version.fingerprint, version.synthetic, version.problems = fingerprint, synthetic, problems
    version.save()
    version.file.storage.delete(received)
    return version


def _plan_of(cycle: Cycle, root: Path) -> str | None:
    """The upload's own plan.toml text; without one, the cycle's settings are put beside the data (None)."""
    plan = root / "plan.toml"
    if plan.is_file():
        return plan.read_bytes().decode("utf-8-sig", errors="replace")
    if cycle.plan_toml.strip():
        plan.write_text(cycle.plan_toml, encoding="utf-8")
    return None
def _years_in(name: str) -> list[int]:
    return [int(year) for year in re.findall(r"(?<!\d)(\d{4})(?!\d)", name)]


def cycle_mismatches(cycle: Cycle, plan: dict) -> list[str]:
    """Where a data set's ``[cycle]`` in plan.toml does not fit ``cycle``, one German sentence each; empty if it fits.

    It fits when the years its name names are the cycle's (``2025–2026 (Beispieldaten)`` fits
    2025–2026, ``2027–2028`` does not; a name without years says nothing either way), its horizon
    begins with the cycle's first year and reaches at least its last one, and its baseline (the
    stock's day) lies in the year before the cycle begins.
    """
    settings_ = plan.get("cycle", {})
    problems = []
    name = str(settings_.get("name", ""))
    expected = [cycle.start_year, cycle.end_year] if cycle.end_year != cycle.start_year else [cycle.start_year]
    years = _years_in(name)
    if years and years[: len(expected)] != expected:
        problems.append(
            _("plan.toml: [cycle] name = „%(name)s“ gehört nicht zum Zyklus %(cycle)s; erwartet wird ein Name mit den Jahren %(first)s–%(last)s.")
            % {"name": name, "cycle": cycle.name, "first": cycle.start_year, "last": cycle.end_year}
        )
    horizon = settings_.get("horizon")
    if horizon and len(horizon) == 2:
        first, last = int(horizon[0]), int(horizon[1])
        if first != cycle.start_year or last < cycle.end_year:
            problems.append(
                _("plan.toml: [cycle] horizon = [%(first)s, %(last)s] passt nicht zum Zyklus %(cycle)s; der Planungshorizont muss mit %(start)s beginnen und mindestens bis %(end)s reichen.")
                % {"first": first, "last": last, "cycle": cycle.name, "start": cycle.start_year, "end": cycle.end_year}
            )
    baseline = settings_.get("baseline")
    if baseline is not None and getattr(baseline, "year", None) != cycle.start_year - 1:
        problems.append(
            _("plan.toml: [cycle] baseline = %(baseline)s passt nicht zum Zyklus %(cycle)s; der Stichtag des Bestands liegt im Jahr vor dem Zyklus, also %(year)s (meist %(year)s-12-31).")
            % {"baseline": baseline, "cycle": cycle.name, "year": cycle.start_year - 1}
        )
    return problems


@transaction.atomic
def accept_cycle_mismatch(version: DataSetVersion, user=None) -> DataSetVersion:
    """Accept a data set that does not fit its cycle, because a planner means it; logged with who, when and what did not fit."""
    version = DataSetVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != DataSetVersion.MISMATCH:
        raise ValueError(_("Die Datensatz-Version %(pk)s wartet nicht auf eine Bestätigung.") % {"pk": version.pk})
    existing = (
        version.cycle.versions.filter(status=DataSetVersion.VALIDATED, fingerprint=version.fingerprint)
        .exclude(pk=version.pk)
        .first()
    )
    log(version, "figures.accept_mismatch", user=_user(user), data={"cycle": version.cycle.name, "mismatches": version.problems})
    if existing is not None:  # the same data, accepted meanwhile in another upload
        version.file.delete(save=False)
        version.delete()
        return existing
    version.status = DataSetVersion.VALIDATED
    version.save(update_fields=["status"])
    return version


def _pack(upload: Upload, plan: Upload | None, out: IO[bytes]) -> None:
    """Write an upload to ``out`` as one zip, without reading what is inside: a zip as it is, else zipped."""
    name = _name_of(upload)
    if isinstance(upload, (str, Path)) and Path(upload).is_dir():
        with zipfile.ZipFile(out, "w") as archive:
            for file in sorted(Path(upload).iterdir()):
                if file.is_file() and file.suffix.lower() in KEPT_SUFFIXES:
                    archive.write(file, file.name)
        return
    if name.lower().endswith(".zip"):
        with _opened(upload) as source:
            shutil.copyfileobj(source, out)
        return
    if plan is None and isinstance(upload, (str, Path)) and (Path(upload).parent / "plan.toml").is_file():
        plan = Path(upload).parent / "plan.toml"
    with zipfile.ZipFile(out, "w") as archive:  # stored: a workbook is compressed already
        for part, entry in ((upload, Path(name).name), (plan, "plan.toml")):
            if part is None:
                continue
            with _opened(part) as source, archive.open(entry, "w", force_zip64=True) as target:
                shutil.copyfileobj(source, target)


@contextmanager
def _opened(upload: Upload) -> Iterator[IO[bytes]]:
    if isinstance(upload, (str, Path)):
        with Path(upload).open("rb") as fh:
            yield fh
        return
    if hasattr(upload, "seek"):
        upload.seek(0)
    yield upload


def _name_of(upload: Upload) -> str:
    if isinstance(upload, (str, Path)):
        return str(upload)
    return str(getattr(upload, "name", "") or "upload")


def _unzip_file(version: DataSetVersion, target: Path, limits: Limits) -> list[str]:
    with version.file.open("rb") as fh:
        return _unzip(fh, target, limits)


def _unzip(source: IO[bytes], target: Path, limits: Limits) -> list[str]:
    """Extract the data set's files flat into ``target``, after checking every declared size; the problems.

    A zip of a folder works too. Nothing is unpacked from an archive that
    breaks a limit, and every entry is unpacked with a hard cap.
    """
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        return [
            "Diese Datei ist kein .zip-Archiv. Bitte die CSV-Dateien (und plan.toml) mit „ZIP-komprimierter Ordner“ "
            "packen oder die Excel-Vorlage verwenden."
        ]
    with archive:
        refused = archive_problems(archive, limits)
        if refused:
            return refused
        for info in archive.infolist():
            name = Path(info.filename).name  # flat: no folders, no "..", no absolute paths
            if info.is_dir() or name.startswith(".") or Path(name).suffix.lower() not in KEPT_SUFFIXES:
                continue
            try:
                extract_entry(archive, info, target / name, limits)
            except LimitExceeded as exc:
                return [str(exc)]
            except (zipfile.BadZipFile, EOFError, zlib.error):  # a bad CRC: the entry was more, or other, than declared
                return [f"Die Datei {info.filename} im Archiv ist beschädigt oder entpackt größer, als das Archiv angibt."]
    return []


def _dataset_path(root: Path) -> Path:
    """A workbook if the upload holds one, else the folder of CSV files."""
    workbooks = sorted(root.glob("*.xlsx"))
    return workbooks[0] if len(workbooks) == 1 else root


def _digest(root: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(root.iterdir()):
        with file.open("rb") as fh:
            digest.update(file.name.encode() + b"\0" + hashlib.file_digest(fh, "sha256").digest())
    return digest.hexdigest()


def _zip_folder(root: Path, out: IO[bytes]) -> None:
    """The data set's files as one deflated zip with fixed dates, so the same data gives the same bytes."""
    with zipfile.ZipFile(out, "w") as archive:
        for file in sorted(root.iterdir()):
            info = zipfile.ZipInfo(file.name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED  # a ZipInfo ignores the archive's compression
            with file.open("rb") as source, archive.open(info, "w", force_zip64=True) as target:
                shutil.copyfileobj(source, target)


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
    from portal.engine.compute import compute_figures  # see _ENGINE_ON_USE
    from portal.engine.dataset import DataSetError, load_dataset

    _update(regeneration, status=Regeneration.RUNNING, started=timezone.now(), progress="Daten werden gelesen …")
    version = regeneration.dataset_version
    try:
        pm = get_plugin_manager()
        with unpacked(version) as path:
            dataset = load_dataset(path, pm=pm, limits=dataset_limits())
            done: list[str] = []

            def progress(plugin: str, figures, seconds: float) -> None:
                done.append(f"{plugin}: {len(figures)} Abbildungen ({seconds:.1f} s)")
                _update(regeneration, progress="\n".join(done))

            results = compute_figures(dataset, pm=pm, progress=progress, translations=TRANSLATIONS)
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
        svg=csp_ready(figure.svg) if figure.svg else "",  # a page view then only scopes the ids
        translations={
            language: {
                "title": translated.title,
                "summary": translated.summary,
                "column_labels": translated.column_labels(),
                "svg": csp_ready(translated.svg) if translated.svg else "",
                "rule": translated.provenance.get("rule", ""),
                "values": translated.value_labels,  # table cells in this language; the data keeps the contract's
            }
            for language, translated in figure.translations.items()
        },
        provenance=figure.provenance,
        engine_version=ENGINE_VERSION,
        plugin_version=plugin_version,
        dataset_fingerprint=_hex_digest(fingerprint),
    )


_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def _hex_digest(fingerprint: str) -> str:
    """What the public API shows as a data set's fingerprint: always a sha256 hex digest, never a name or path."""
    return fingerprint if _HEX_DIGEST.fullmatch(fingerprint) else hashlib.sha256(fingerprint.encode()).hexdigest()


@contextmanager
def unpacked(version: DataSetVersion) -> Iterator[Path]:
    """A validated version's data set in a temporary folder, unpacked within the limits."""
    from portal.engine.specs import DataSetError, Problem  # see _ENGINE_ON_USE

    tmp = Path(tempfile.mkdtemp(prefix="mep-dataset-"))
    try:
        refused = _unzip_file(version, tmp, dataset_limits())
        if refused:
            raise DataSetError([Problem(version.original_name, None, None, problem) for problem in refused])
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
def publish(regeneration: Regeneration, user=None) -> Regeneration:
    """Make ``regeneration`` its cycle's published figures, all at once; logged (who, when) in Wagtail's audit log."""
    regeneration = Regeneration.objects.select_related("dataset_version__cycle").get(pk=regeneration.pk)
    if regeneration.status != Regeneration.SUCCEEDED:
        raise ValueError(
            f"Nur eine erfolgreiche Neuberechnung kann veröffentlicht werden (Status: {regeneration.get_status_display()})."
        )
    version = regeneration.dataset_version
    if version.schools is None:  # validated before schools were stored on the version
        version.schools = read_schools(version)
        version.save(update_fields=["schools"])
    cycle = Cycle.objects.select_for_update().get(pk=version.cycle_id)
    record_changes(regeneration, cycle.published_regeneration())
    Regeneration.objects.filter(dataset_version__cycle=cycle, published=True).update(published=False)
    DataSetVersion.objects.filter(cycle=cycle, is_published=True).update(is_published=False)
    DataSetVersion.objects.filter(pk=version.pk).update(is_published=True)
    Regeneration.objects.filter(pk=regeneration.pk).update(published=True, published_at=timezone.now())
    regeneration.refresh_from_db()
    log(regeneration, "figures.publish", user=_user(user), data={"cycle": cycle.name, "version": version.pk})
    _changed(regeneration)
    return regeneration


@transaction.atomic
def restore_previous(cycle: Cycle, user=None) -> Regeneration:
    """Publish again the regeneration published before the current one, exactly as it was; logged.

    Its snapshots are not touched (not even what changed since, which they
    keep from their own publication), so the figures are byte for byte those
    readers saw before. Pages are told, so cached pages show them at once.
    Restoring twice brings the newer one back.
    """
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    previous = cycle.previous_regeneration()
    if previous is None:
        raise ValueError(_("Für den Zyklus %(cycle)s gibt es keine frühere veröffentlichte Fassung.") % {"cycle": cycle.name})
    current = cycle.published_regeneration()
    Regeneration.objects.filter(dataset_version__cycle=cycle, published=True).update(published=False)
    DataSetVersion.objects.filter(cycle=cycle, is_published=True).update(is_published=False)
    DataSetVersion.objects.filter(pk=previous.dataset_version_id).update(is_published=True)
    Regeneration.objects.filter(pk=previous.pk).update(published=True, published_at=timezone.now())
    previous.refresh_from_db()
    log(
        previous,
        "figures.restore",
        user=_user(user),
        data={"cycle": cycle.name, "replaced": current.pk if current else None, "version": previous.dataset_version_id},
    )
    _changed(previous)
    return previous


def _user(user):
    return user if getattr(user, "pk", None) else None
