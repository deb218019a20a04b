"""Limits that keep a data set from taking the server down: zip bombs, huge workbooks, endless tables.

An archive (an uploaded ``.zip``, and every ``.xlsx``, which is a zip too) is
checked by its declared sizes *before* anything is unpacked, then read with a
hard cap, because a header can lie. A table stops being read at
:attr:`Limits.rows` lines. The portal passes its own :class:`Limits`; the
engine never asks Django.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
CHUNK = MB


@dataclass(frozen=True)
class Limits:
    """How big a data set may be; every message that refuses one names the limit."""

    file_bytes: int = 200 * MB  # one file or workbook part, unpacked
    total_bytes: int = 500 * MB  # all files of one archive together, unpacked
    ratio: int = 100  # unpacked : packed size of one entry (Apache POI's default, too)
    ratio_grace_bytes: int = MB  # smaller entries may compress better: a CSV of repeated lines does
    entries: int = 1000  # files in one archive
    rows: int = 1_000_000  # lines of one table, header included
    columns: int = 1000  # columns of one table


DEFAULT_LIMITS = Limits()


class LimitExceeded(Exception):
    """A file is bigger than a limit allows; the message is German and names the limit."""


def megabytes(size: int) -> str:
    """``200 MB``: a size as a reader writes it (German thousands separator)."""
    return f"{size / MB:,.0f} MB".replace(",", ".")


def count(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def archive_problems(archive: zipfile.ZipFile, limits: Limits, what: str = "im Archiv") -> list[str]:
    """Every declared size of ``archive`` that breaks a limit, checked before a byte is unpacked.

    ``what`` says where an entry sits, e.g. ``im Archiv`` or ``in der Arbeitsmappe``.
    """
    entries = [info for info in archive.infolist() if not info.is_dir()]
    if len(entries) > limits.entries:
        return [f"Das Archiv enthält {count(len(entries))} Dateien, höchstens {count(limits.entries)} sind erlaubt."]
    problems = []
    total = 0
    for info in entries:
        total += info.file_size
        if info.file_size > limits.file_bytes:
            problems.append(
                f"Die Datei {info.filename} {what} ist entpackt größer als {megabytes(limits.file_bytes)} "
                f"({megabytes(info.file_size)})."
            )
        elif info.file_size > limits.ratio_grace_bytes and info.file_size > limits.ratio * max(info.compress_size, 1):
            problems.append(
                f"Die Datei {info.filename} {what} ist mehr als {limits.ratio}-fach gepackt "
                f"({megabytes(info.compress_size)} gepackt, {megabytes(info.file_size)} entpackt); "
                "so stark lassen sich echte Daten nicht packen."
            )
    if total > limits.total_bytes:
        problems.append(
            f"Alle Dateien {what} zusammen sind entpackt größer als {megabytes(limits.total_bytes)} ({megabytes(total)})."
        )
    return problems


def extract_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limits: Limits) -> None:
    """Unpack one entry into the file ``target``, chunk by chunk, never more than its checked size."""
    with target.open("wb") as out:
        for chunk in _chunks(archive, info, limits):
            out.write(chunk)


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> Iterator[bytes]:
    # zipfile stops at the declared size and then checks the CRC; the cap here holds even if it did not.
    cap = min(info.file_size, limits.file_bytes)
    seen = 0
    with archive.open(info) as entry:
        while chunk := entry.read(CHUNK):
            seen += len(chunk)
            if seen > cap:
                raise LimitExceeded(
                    f"Die Datei {info.filename} ist entpackt größer, als das Archiv angibt "
                    f"(mehr als {megabytes(cap)})."
                )
            yield chunk


def file_problem(path: Path, limits: Limits) -> str | None:
    """A file on disk bigger than :attr:`Limits.file_bytes`, said before it is read."""
    size = path.stat().st_size
    if size > limits.file_bytes:
        return f"Die Datei ist größer als {megabytes(limits.file_bytes)} ({megabytes(size)})."
    return None
