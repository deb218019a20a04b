"""Reading a data set's files: a folder of CSVs or one ``.xlsx`` workbook, beside ``plan.toml``.

Only the columns of the table specs given are read, as text, within
:class:`~portal.engine.limits.Limits` (a workbook's parts are checked by their
declared sizes first). Each frame's index is the row's line number in its file
(the header is line 1). Checking and typing the cells is :mod:`portal.engine.checking`'s job.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from portal.engine.limits import DEFAULT_LIMITS, LimitExceeded, Limits, archive_problems, count, file_problem
from portal.engine.specs import EXAMPLE_COLUMN, Problem, TableSpec

NOT_A_WORKBOOK = "Diese Datei ist keine Excel-Arbeitsmappe. Bitte in Excel als .xlsx speichern oder die Vorlage verwenden."
OLD_EXCEL = (
    "Diese Datei ist eine Arbeitsmappe im alten Excel-Format (.xls). "
    "Bitte in Excel als .xlsx speichern oder die Vorlage verwenden."
)
TEXT_NOT_WORKBOOK = f"{NOT_A_WORKBOOK} (Sie enthält Text – vielleicht eine umbenannte CSV-Datei.)"
DAMAGED_WORKBOOK = (
    "Arbeitsmappe nicht lesbar: die Datei ist beschädigt oder unvollständig. "
    "Bitte in Excel öffnen, erneut als .xlsx speichern und noch einmal hochladen."
)


def not_a_workbook(data: bytes) -> str:
    """One German sentence for a file named .xlsx that is none, with the fix."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # the OLE2 container of .xls (and old .doc)
        return OLD_EXCEL
    head = data[:4096]
    if head and all(byte >= 32 or byte in (9, 10, 13) for byte in head):  # no control bytes: text, in any encoding
        return TEXT_NOT_WORKBOOK
    return NOT_A_WORKBOOK


def read_tables(source: Source, specs: Iterable[TableSpec], problems: list[Problem]) -> dict[str, pd.DataFrame]:
    """The tables of ``specs`` that ``source`` holds, as text frames; problems are appended."""
    frames: dict[str, pd.DataFrame] = {}
    for spec in specs:
        frame = source.read_table(spec, problems)
        if frame is not None:
            frames[spec.name] = frame
    return frames


class Source:
    """Where the files come from: a folder of CSVs or a workbook beside plan.toml."""

    def __init__(self, path: Path, limits: Limits):
        self.path = path
        self.limits = limits
        self.problems: list[Problem] = []
        self.digest_parts: list[tuple[str, bytes]] = []
        self.sheets: dict[str, Any] | None = None  # sheet name -> read-only worksheet, read when asked
        self.book = None
        self.refused = False

    @classmethod
    def open(cls, path: Path, limits: Limits = DEFAULT_LIMITS) -> Source:
        source = cls(path, limits)
        if not path.exists():
            source.problems.append(Problem(path.name or str(path), None, None, "Datei oder Ordner nicht gefunden"))
        elif path.is_file():
            if path.suffix.lower() != ".xlsx":
                source.problems.append(
                    Problem(path.name, None, None, "kein Ordner und keine .xlsx-Arbeitsmappe")
                )
            else:
                source._open_workbook()
        return source

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path.is_file() else self.path

    def _open_workbook(self) -> None:
        """Check the workbook's parts by their declared sizes (an .xlsx is a zip) before openpyxl reads any."""
        import openpyxl

        self.sheets = {}
        self.refused = True  # until it is open: a refused workbook's sheets are not "missing"
        name = self.path.name
        too_big = file_problem(self.path, self.limits)
        if too_big is not None:
            self.problems.append(Problem(name, None, None, too_big))
            return
        data = self.path.read_bytes()
        self.digest_parts.append((name, data))
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                refused = archive_problems(archive, self.limits, "in der Arbeitsmappe")
        except zipfile.BadZipFile:
            self.problems.append(Problem(name, None, None, not_a_workbook(data)))
            return
        if refused:
            self.problems.extend(Problem(name, None, None, message) for message in refused)
            return
        try:
            # read-only: shared strings are loaded, sheets are read row by row when asked for
            self.book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            self.sheets = {ws.title: ws for ws in self.book.worksheets}
            self.refused = False
        except KeyError:  # a zip without a workbook's parts: a .docx, an .ods, a zip of CSVs renamed
            self.problems.append(Problem(name, None, None, NOT_A_WORKBOOK))
        except Exception:  # openpyxl raises many kinds for a damaged file, in English: say it in German
            self.problems.append(Problem(name, None, None, DAMAGED_WORKBOOK))

    def close(self) -> None:
        if self.book is not None:
            self.book.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def file_name(self, table: str) -> str:
        return table if self.sheets is not None else f"{table}.csv"

    def read_plan_text(self) -> str | None:
        plan = self.folder / "plan.toml"
        if not plan.is_file():
            return None
        data = plan.read_bytes()
        self.digest_parts.append(("plan.toml", data))
        return data.decode("utf-8-sig", errors="replace")

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for name, data in sorted(self.digest_parts):
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        return digest.hexdigest()

    def read_table(self, spec: TableSpec, problems: list[Problem]) -> pd.DataFrame | None:
        """The table as text cells indexed by line number, or None when absent."""
        file = self.file_name(spec.name)
        if self.sheets is not None:
            if spec.name not in self.sheets:
                if spec.required and not self.refused:
                    problems.append(
                        Problem(self.path.name, None, None, f"Tabellenblatt {spec.name} fehlt ({missing_hint(spec)})")
                    )
                return None
            try:
                return _sheet_frame(self.sheets[spec.name], spec, file, problems, self.limits)
            except (LimitExceeded, zipfile.BadZipFile) as exc:  # a part bigger than it said, a bad CRC
                problems.append(Problem(file, None, None, f"Tabellenblatt nicht lesbar ({exc})"))
                return None
        if not self.path.is_dir():
            return None
        csv_path = self.path / file
        if not csv_path.is_file():
            if spec.required:
                problems.append(Problem(file, None, None, f"Datei fehlt ({missing_hint(spec)})"))
            return None
        too_big = file_problem(csv_path, self.limits)
        if too_big is not None:
            problems.append(Problem(file, None, None, too_big))
            return None
        data = csv_path.read_bytes()
        self.digest_parts.append((file, data))
        return _csv_frame(data, spec, file, problems, self.limits)


CSV_CHUNK_ROWS = 100_000


def _csv_frame(data: bytes, spec: TableSpec, file: str, problems: list[Problem], limits: Limits) -> pd.DataFrame | None:
    """The spec's columns of a CSV file as text; other columns are not kept, lines past the limit not read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(
                file,
                line,
                None,
                "Datei ist nicht UTF-8-kodiert. Bitte in Excel als „CSV UTF-8 (durch Trennzeichen getrennt)“ "
                "speichern oder die Excel-Vorlage verwenden.",
            )
        )
        return None
    if not text.strip():
        problems.append(Problem(file, 1, None, "Datei ist leer, die Kopfzeile fehlt"))
        return None
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    if "," not in first_line and ";" in first_line and {c.name for c in spec.columns} & set(first_line.strip().split(";")):
        # a German Excel's "CSV": every column would be missing, one problem says why
        problems.append(
            Problem(
                file,
                1,
                None,
                "Die Spalten sind mit Semikolon getrennt, erwartet wird das Komma. Bitte in Excel als "
                "„CSV UTF-8 (durch Trennzeichen getrennt)“ speichern oder die Excel-Vorlage verwenden.",
            )
        )
        return None
    del text, first_line  # pandas reads the bytes; a second copy of a large file as text is not needed
    options = dict(dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False, encoding="utf-8-sig")
    wanted = {column.name for column in spec.columns} | {EXAMPLE_COLUMN}
    try:
        header = pd.read_csv(io.BytesIO(data), nrows=0, **options)
        if len(header.columns) > limits.columns:
            problems.append(Problem(file, 1, None, _too_wide(len(header.columns), limits)))
            return None
        keep = [name for name in header.columns if name in wanted]
        parts, lines = [header[keep]], 1
        # in chunks, so only the wanted columns of a wide file stay in memory; every row is still
        # parsed whole, so a row with too many fields is reported as before
        with pd.read_csv(io.BytesIO(data), chunksize=CSV_CHUNK_ROWS, **options) as chunks:
            for chunk in chunks:
                lines += len(chunk)
                if lines > limits.rows:
                    problems.append(Problem(file, None, None, _too_long(limits)))
                    return None
                parts.append(chunk[keep])
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    except pd.errors.ParserError as exc:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if match:
            expected, line, seen = match.groups()
            problems.append(
                Problem(file, int(line), None, f"{seen} Felder statt {expected} wie in der Kopfzeile")
            )
        else:
            problems.append(Problem(file, None, None, "CSV-Datei nicht lesbar"))
        return None
    physical_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if physical_lines == len(frame) + 1:
        frame.index = pd.RangeIndex(2, len(frame) + 2)
    else:  # a quoted cell spans lines: count them exactly
        frame.index = _record_lines(data.decode("utf-8-sig"))[: len(frame)]
    return _drop_blank_rows(frame, file, problems)


def _too_long(limits: Limits) -> str:
    return f"mehr als {count(limits.rows)} Zeilen; so lange Tabellen liest die Planungsmaschine nicht"


def _too_wide(width: int, limits: Limits) -> str:
    return f"{count(width)} Spalten, höchstens {count(limits.columns)} sind erlaubt"


def _record_lines(text: str) -> list[int]:
    reader = csv.reader(io.StringIO(text))
    lines, previous = [], 0
    for _ in reader:
        lines.append(previous + 1)
        previous = reader.line_num
    return lines[1:]


def _sheet_frame(ws, spec: TableSpec, sheet: str, problems: list[Problem], limits: Limits) -> pd.DataFrame | None:
    """The spec's columns of a read-only worksheet as text, read row by row within ``limits``."""
    declared_rows, declared_columns = ws.max_row or 0, ws.max_column or 0
    if declared_rows > limits.rows or declared_columns > limits.columns:
        problems.append(
            Problem(
                sheet,
                None,
                None,
                f"Tabellenblatt ist laut Arbeitsmappe {count(declared_rows)} Zeilen × {count(declared_columns)} "
                f"Spalten groß, erlaubt sind höchstens {count(limits.rows)} Zeilen und {count(limits.columns)} Spalten",
            )
        )
        return None
    ws.reset_dimensions()  # the dimension can lie: read the rows that are there, unpadded, and count them
    rows = ws.iter_rows(min_row=1, values_only=True)
    first = next(rows, None)
    if not first or all(v is None for v in first):
        problems.append(Problem(sheet, 1, None, "Tabellenblatt ist leer, die Kopfzeile fehlt"))
        return None
    header = [("" if v is None else str(v)).strip() for v in first]
    while header and header[-1] == "":
        header.pop()
    if len(header) > limits.columns:
        problems.append(Problem(sheet, 1, None, _too_wide(len(header), limits)))
        return None
    wanted = {column.name for column in spec.columns} | {EXAMPLE_COLUMN}
    positions = [i for i, name in enumerate(header) if name in wanted]
    cells, lines = [], []
    for line, row in enumerate(rows, start=2):
        if line > limits.rows:
            problems.append(Problem(sheet, None, None, _too_long(limits)))
            return None
        values = [_cell_text(row[i]) if i < len(row) else "" for i in positions]
        if any(values):  # a blank row is skipped here already, not kept to be dropped
            cells.append(values)
            lines.append(line)
    frame = pd.DataFrame(cells, columns=[header[i] for i in positions], index=lines, dtype=str)
    return _drop_blank_rows(frame, sheet, problems)


def _cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _drop_blank_rows(frame: pd.DataFrame, file: str, problems: list[Problem]) -> pd.DataFrame:
    duplicated = frame.columns[frame.columns.duplicated()]
    for name in dict.fromkeys(duplicated):
        problems.append(Problem(file, 1, name, "Spalte kommt mehrfach vor"))
    frame = frame.loc[:, ~frame.columns.duplicated()]
    if len(frame.columns) == 0:
        return frame
    # column by column in NumPy, stopping once no row is blank in every column so far (usually the first)
    blank = np.ones(len(frame), dtype=bool)
    for name in frame.columns:
        blank &= frame[name].to_numpy(dtype=object) == ""
        if not blank.any():
            break
    if blank.any():
        frame = frame[~blank]
    frame.index.name = "line"
    return _drop_examples(frame, file, problems)


def missing_hint(spec: TableSpec) -> str:
    """What a missing table holds, so the planner knows what to add."""
    from portal.engine.describe import missing_file_hint

    return missing_file_hint(spec)


def _drop_examples(frame: pd.DataFrame, file: str, problems: list[Problem]) -> pd.DataFrame:
    """The template's example rows are one problem for the table, and are not checked further."""
    if EXAMPLE_COLUMN not in frame.columns:
        return frame
    marked = frame[EXAMPLE_COLUMN].to_numpy(dtype=object) != ""
    if marked.any():
        lines = [int(line) for line in frame.index[marked]]
        if len(lines) == 1:
            what = "Beispielzeile der Vorlage"
        else:
            shown = ", ".join(str(n) for n in lines[:10]) + (" …" if len(lines) > 10 else "")
            what = f"Beispielzeilen der Vorlage (Zeilen {shown})"
        problems.append(Problem(file, lines[0], EXAMPLE_COLUMN, f"{what} – bitte löschen und eigene Daten eintragen"))
    return frame.loc[~marked, [c for c in frame.columns if c != EXAMPLE_COLUMN]]
