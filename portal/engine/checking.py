"""Checking read tables against their specs: each cell's type and rule, keys, and references between tables.

Every problem is appended with its file, line and column; a checked table
comes back typed (see ``docs/plugins.md``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from portal.engine.specs import ISO_DATE, YEAR_MAX, YEAR_MIN, Column, DataSet, Problem, TableSpec

_REFERENCE_WORDS = {
    ("schools", "school_id"): "unbekannte Schule",
    ("catalog", "product_group"): "unbekannte Produktgruppe",
}
_INT = r"[+-]?\d+"
_DECIMAL = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_TRUE = frozenset({"true", "wahr", "ja", "1"})
_FALSE = frozenset({"false", "falsch", "nein", "0"})
_BOOL_WORDS = _TRUE | _FALSE
_PLAIN_SHAPES = frozenset({_INT, ISO_DATE})


def check_tables(
    specs: dict[str, TableSpec], frames: dict[str, pd.DataFrame], dataset: DataSet, problems: list[Problem]
) -> None:
    """Type every read frame into ``dataset.tables``, then check the references between them."""
    for spec in specs.values():
        if spec.name in frames:
            dataset.tables[spec.name] = check_table(spec, frames[spec.name], dataset, problems)
    check_references(specs, dataset, problems)


def check_table(
    spec: TableSpec, frame: pd.DataFrame, dataset: DataSet, problems: list[Problem]
) -> pd.DataFrame:
    """Check every column of ``frame`` and return it typed; problems are appended."""
    file = dataset.file_name(spec.name)
    typed = frame.copy()
    for column in spec.columns:
        if column.name not in frame.columns:
            if column.required:
                problems.append(Problem(file, 1, column.name, "Spalte fehlt"))
            typed[column.name] = _empty(column, frame.index)
            continue
        typed[column.name] = _check_column(column, _stripped(frame[column.name]), file, problems)
    return typed


# Checking cell by cell runs Python per cell; for 300,000 rows that is seconds.
# So each check first tries the whole column at once, as one string searched by
# one regular expression in C, and looks at single cells only when that fails.
_SEPARATOR = "\0"


def _joined(cells: pd.Series) -> str | None:
    """The column as one string, or None when a cell holds the separator itself."""
    text = _SEPARATOR.join(cells.tolist())
    return text if text.count(_SEPARATOR) == len(cells) - 1 else None


def _stripped(cells: pd.Series) -> pd.Series:
    text = _joined(cells)
    edges = (" \0", "\0 ", "\t\0", "\0\t", "\r\0", "\n\0", "\0\n")
    # a column without any of these four characters (numbers, keys) has none of the edges: four quick scans
    # for one character each instead of seven for two
    spaced = text is not None and any(c in text for c in " \t\r\n") and any(e in text for e in edges)
    if text is not None and not (text[:1].isspace() or text[-1:].isspace() or spaced):
        return cells
    return cells.str.strip()


def _all_match(cells: pd.Series, pattern: str) -> bool:
    """True when every cell matches ``pattern`` (decided in one pass when possible)."""
    if cells.empty:
        return True
    text = _joined(cells)
    if text is None:
        return False
    if pattern in _PLAIN_SHAPES and _plain_shape(text, len(cells), pattern):
        return True
    return re.fullmatch(f"(?:{pattern})(?:\0(?:{pattern}))*", text) is not None


_DIGITS = b"0123456789"


def _plain_shape(text: str, count: int, pattern: str) -> bool:
    """True when ``count`` joined ASCII cells are all plain digits (``_INT``) or all ``JJJJ-MM-TT`` (``ISO_DATE``).

    The common case, decided by deleting the digits in C (several times faster
    than the regular expression); False means only the regular expression can
    tell (a sign, a non-ASCII digit, anything else). In ASCII ``\\d`` is ``[0-9]``.
    """
    if not text.isascii():
        return False
    rest = text.encode("ascii").translate(None, _DIGITS)
    if pattern == _INT:  # n-1 separators left, no empty cell: every cell is one or more digits
        return text != "" and rest == b"\0" * (count - 1) and "\0\0" not in text and text[:1] != "\0" and text[-1:] != "\0"
    # ISO_DATE: ten characters a cell, dashes at 4 and 7, the separator at 10, nothing else but digits
    return (
        len(text) == 11 * count - 1
        and rest == b"--\0" * (count - 1) + b"--"
        and text[4::11] == "-" * count
        and text[7::11] == "-" * count
    )


def _matches(cells: pd.Series, pattern: str) -> pd.Series:
    if _all_match(cells, pattern):
        return pd.Series(True, index=cells.index)
    return cells.str.fullmatch(pattern).astype(bool)


def _is_empty(cells: pd.Series) -> pd.Series:
    """``cells == ""``, compared by NumPy on the Python strings: several times faster than pandas' string array."""
    return pd.Series(cells.to_numpy(dtype=object) == "", index=cells.index, dtype=bool)


def _to_number(cells: pd.Series, dtype: str) -> pd.Series:
    """Cells that all match ``_INT`` or ``_DECIMAL`` as numbers.

    Python's ``int`` and ``float`` (through NumPy) read exactly these patterns
    as ``pd.to_numeric`` does, at a tenth of its time on Python strings; a
    number too large for 64 bits goes to ``pd.to_numeric`` as before.
    """
    try:
        return pd.Series(cells.to_numpy(dtype=object).astype(dtype), index=cells.index)
    except (OverflowError, ValueError):
        return pd.to_numeric(cells).astype(dtype)


def _check_column(column: Column, cells: pd.Series, file: str, problems: list[Problem]) -> pd.Series:
    name = column.name
    empty = _is_empty(cells)
    if column.required:
        report(problems, file, name, cells.index[empty], "Wert fehlt")
    given = cells[~empty]

    if column.type in ("int", "year"):
        ok = _matches(given, _INT)
        _report_values(problems, file, name, given[~ok], "keine ganze Zahl")
        values = _to_number(given[ok], "int64")
    elif column.type == "decimal":
        ok = _matches(given, _DECIMAL)
        bad = given[~ok]
        with_comma = bad.str.fullmatch(r"[+-]?\d*,\d+")
        _report_values(
            problems, file, name, bad[with_comma], "keine Dezimalzahl (Dezimaltrennzeichen ist der Punkt)"
        )
        _report_values(problems, file, name, bad[~with_comma], "keine Dezimalzahl")
        values = _to_number(given[ok], "float64")
    elif column.type == "bool":
        lowered = given if given.isin(_BOOL_WORDS).all() else given.str.lower()
        ok = lowered.isin(_TRUE | _FALSE)
        _report_values(problems, file, name, given[~ok], "nicht true oder false")
        values = lowered[ok].isin(_TRUE)
    elif column.type == "date":
        ok = _matches(given, ISO_DATE)
        parsed = pd.to_datetime(given.where(ok), format="%Y-%m-%d", errors="coerce")
        ok &= parsed.notna()
        _report_values(problems, file, name, given[~ok], "kein Datum (JJJJ-MM-TT)")
        values = parsed[ok].dt.date
    else:
        values = given
        ok = pd.Series(True, index=given.index)

    if column.type == "year":
        out = (values < YEAR_MIN) | (values > YEAR_MAX)
        _report_values(problems, file, name, given[ok][out], f"keine Jahreszahl ({YEAR_MIN}–{YEAR_MAX})")
    if column.min is not None:
        low = values < column.min
        _report_values(problems, file, name, given[ok][low], f"kleiner als {_num(column.min)}")
    if column.max is not None:
        high = values > column.max
        _report_values(problems, file, name, given[ok][high], f"größer als {_num(column.max)}")
    if column.choices is not None:
        unknown = ~values.isin(column.choices)
        allowed = ", ".join(column.choices)
        _report_values(problems, file, name, given[ok][unknown], f"nicht erlaubt (erlaubt: {allowed})")
    if column.unique and values.duplicated().any():
        first_line = pd.Series(values.index, index=values.index).groupby(values.values).transform("min")
        repeated = values.duplicated(keep="first")
        for line in values.index[repeated]:
            problems.append(
                Problem(
                    file,
                    int(line),
                    name,
                    f"doppelter Schlüssel '{values[line]}' (zuerst in Zeile {first_line[line]})",
                )
            )
    return _typed(column, values, cells.index)


def _typed(column: Column, values: pd.Series, index: pd.Index) -> pd.Series:
    """The column over all rows with its final dtype; empty or bad cells become NA."""
    dtype = {
        "int": "int64",
        "year": "int64",
        "decimal": "float64",
        "bool": "bool",
        "date": "object",
        "text": "str",
    }[column.type]
    if not column.required and dtype in ("int64", "bool"):
        dtype = {"int64": "Int64", "bool": "boolean"}[dtype]
    full = values.reindex(index)
    try:
        return full.astype(dtype)
    except (TypeError, ValueError):  # NA left by a bad cell; the data set is refused anyway
        return full


def _empty(column: Column, index: pd.Index) -> pd.Series:
    return _typed(column, pd.Series([], dtype="object"), index)


def report(problems: list[Problem], file: str, column: str, lines: Iterable, message: str) -> None:
    problems.extend(Problem(file, int(line), column, message) for line in lines)


def _report_values(problems: list[Problem], file: str, column: str, bad: pd.Series, message: str) -> None:
    problems.extend(Problem(file, int(line), column, f"{message}: '{value}'") for line, value in bad.items())


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def check_references(specs: dict[str, TableSpec], dataset: DataSet, problems: list[Problem]) -> None:
    for spec in specs.values():
        table = dataset.tables.get(spec.name)
        if table is None:
            continue
        for column in spec.columns:
            if column.references is None or column.name not in table.columns:
                continue
            target_table, target_column = column.references
            target = dataset.tables.get(target_table)
            if target is None or target_column not in target.columns:
                continue  # the missing table or column is reported already
            values = table[column.name].dropna()
            unknown = values[~values.isin(target[target_column].dropna())]
            word = _REFERENCE_WORDS.get(column.references, "unbekannter Wert")
            where = f"nicht in {dataset.file_name(target_table)}, Spalte {target_column}"
            file = dataset.file_name(spec.name)
            problems.extend(
                Problem(file, int(line), column.name, f"{word} '{value}' ({where})")
                for line, value in unknown.items()
            )
