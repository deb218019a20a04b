"""The whole portal in one archive, and back: database, uploads, private data sets, a manifest.

Archive (``.tar.gz``) layout::

    manifest.json          versions, applied migrations, time, database vendor, sha256 of every member
    database/db.dump       PostgreSQL: ``pg_dump --format=custom``
    database/db.sqlite3    SQLite: SQLite's online backup API (never a copy of a live file)
    media/…                MEDIA_ROOT: images, documents, generated files
    private/…              MEP_PRIVATE_ROOT: the uploaded planning data sets

``restore`` refuses a target that is not empty (database tables or files present), an archive of the
other database vendor, a migration state this code does not have, and any member whose checksum differs.
It unpacks into a temporary folder beside the target first, so a refused restore changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in German."""


@dataclass
class Folders:
    media: Path
    private: Path

    @classmethod
    def configured(cls) -> Folders:
        return cls(Path(settings.MEDIA_ROOT), Path(settings.MEP_PRIVATE_ROOT))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(f"{what}: Das Programm {command[0]} fehlt (Debian-Paket postgresql-client).") from exc
    if result.returncode != 0:
        raise BackupError(f"{what} ist fehlgeschlagen: {result.stderr.strip()[-800:]}")


def applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def code_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for package in ("living-mep", "Django", "wagtail", "wagtail-localize"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = ""
    return found


# -- backup --------------------------------------------------------------------------------------


def _dump_database(folder: Path) -> Path:
    if connection.vendor == "postgresql":
        target = folder / "db.dump"
        args, env = _pg_env()
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args], env, "pg_dump")
        return target
    if connection.vendor == "sqlite":
        target = folder / "db.sqlite3"
        source = sqlite3.connect(str(connection.settings_dict["NAME"]))
        copy = sqlite3.connect(str(target))
        try:
            with copy:
                source.backup(copy)  # consistent even while the portal writes
        finally:
            copy.close()
            source.close()
        return target
    raise BackupError(f"Datenbank {connection.vendor} wird nicht unterstützt (nur PostgreSQL und SQLite).")


def create_backup(archive: Path, folders: Folders | None = None, progress=None) -> dict:
    """Write the archive; returns its manifest."""
    folders = folders or Folders.configured()
    archive = Path(archive)
    if archive.exists():
        raise BackupError(f"{archive}: Die Datei gibt es schon; eine Sicherung überschreibt nichts.")
    with tempfile.TemporaryDirectory(prefix="mep-backup-", dir=archive.parent) as tmp:
        database = _dump_database(Path(tmp))
        members: list[tuple[Path, str]] = [(database, f"database/{database.name}")]
        for prefix, root in (("media", folders.media), ("private", folders.private)):
            if root.is_dir():
                for path in sorted(p for p in root.rglob("*") if p.is_file()):
                    members.append((path, f"{prefix}/{path.relative_to(root).as_posix()}"))
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "versions": _versions(),
            "migrations": applied_migrations(),
            "files": {},
        }
        for path, name in members:
            if progress:
                progress(name)
            manifest["files"][name] = _sha256(path)
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            for path, name in members:
                tar.add(path, arcname=name, recursive=False)
        partial.replace(archive)  # a broken-off backup never looks like a finished one
    return manifest


# -- restore -------------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile("manifest.json")
            return json.loads(member.read())
    except (tarfile.TarError, KeyError, OSError, ValueError) as exc:
        raise BackupError(f"{archive}: keine lesbare Sicherung des Portals ({exc}).") from exc


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def _folder_is_empty(folder: Path) -> bool:
    return not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))


def check_target(manifest: dict, folders: Folders) -> list[str]:
    """Every reason not to restore into this target (German, for the operator)."""
    problems = []
    if manifest.get("format") != FORMAT:
        problems.append(f"Unbekanntes Format der Sicherung: {manifest.get('format')!r}.")
    if manifest.get("vendor") != connection.vendor:
        problems.append(
            f"Die Sicherung stammt aus einer {manifest.get('vendor')}-Datenbank, das Ziel ist {connection.vendor}: "
            "eine Sicherung wird in dieselbe Art Datenbank zurückgespielt."
        )
    if not _database_is_empty():
        problems.append("Die Zieldatenbank ist nicht leer: Wiederherstellen geht nur in eine leere Datenbank.")
    for name, folder in (("MEDIA_ROOT", folders.media), ("MEP_PRIVATE_ROOT", folders.private)):
        if not _folder_is_empty(folder):
            problems.append(f"Der Ordner {folder} ({name}) ist nicht leer.")
    backup, code = set(manifest.get("migrations", [])), set(code_migrations())
    if backup != code:
        unknown, missing = sorted(backup - code), sorted(code - backup)
        detail = []
        if unknown:
            detail.append(f"{len(unknown)} Migration(en) der Sicherung kennt diese Software nicht (z. B. {unknown[0]})")
        if missing:
            detail.append(f"{len(missing)} Migration(en) dieser Software fehlen in der Sicherung (z. B. {missing[0]})")
        version = manifest.get("versions", {}).get("living-mep", "?")
        problems.append(
            "Der Stand der Datenbank passt nicht zu dieser Software: " + "; ".join(detail) + ". "
            f"Bitte mit der Version zurückspielen, mit der gesichert wurde ({version}), und danach aktualisieren."
        )
    return problems


def restore_backup(archive: Path, folders: Folders | None = None, progress=None) -> dict:
    folders = folders or Folders.configured()
    archive = Path(archive)
    manifest = read_manifest(archive)
    problems = check_target(manifest, folders)
    if problems:
        raise BackupError("Wiederherstellen abgelehnt:\n- " + "\n- ".join(problems))
    work_parent = folders.media.parent
    work_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mep-restore-", dir=work_parent) as tmp:
        tmp = Path(tmp)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(tmp, filter="data")  # no absolute paths, no "..", no devices
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(f"{archive}: Die Sicherung lässt sich nicht entpacken ({exc}).") from exc
        expected = manifest.get("files", {})
        present = {p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file()} - {"manifest.json"}
        damaged = [name for name, digest in expected.items() if not (tmp / name).is_file() or _sha256(tmp / name) != digest]
        extra = sorted(present - set(expected))
        if damaged or extra:
            raise BackupError(
                "Die Sicherung ist beschädigt oder verändert: "
                + ", ".join([f"{n} (Prüfsumme falsch oder Datei fehlt)" for n in damaged] + [f"{n} (nicht im Manifest)" for n in extra])
            )
        if progress:
            progress("database")
        _restore_database(tmp / "database")
        for prefix, target in (("media", folders.media), ("private", folders.private)):
            source = tmp / prefix
            if source.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                for path in source.rglob("*"):
                    if path.is_file():
                        destination = target / path.relative_to(source)
                        destination.parent.mkdir(parents=True, exist_ok=True)
                        shutil.move(str(path), destination)
    return manifest


def _restore_database(folder: Path) -> None:
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        connection.close()
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args, str(folder / "db.dump")],
            env,
            "pg_restore",
        )
    else:
        connection.close()
        source = sqlite3.connect(str(folder / "db.sqlite3"))
        target = sqlite3.connect(str(connection.settings_dict["NAME"]))
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
