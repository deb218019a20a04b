"""Comparing one figure of two cycles honestly: the years both cover, apart from the years only one covers.

Two cycles forecast different years (2025–2034 and 2027–2036). Bars in the
same place, or totals over the whole horizon, would then compare different
years without saying so. These helpers split a figure's rows (plain dicts, as
a snapshot stores them) into the rows of the years both cycles cover and the
rest, sum what may be summed over the common years, and pick the number a
chart of both cycles shows on one axis. Plain Python: no pandas, no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

#: the column that says which year a row is about
YEAR = "year"
#: endings of columns that are rates, shares or durations: summing them over years means nothing
NOT_ADDITIVE = ("_pct", "_days", "_year", "_ratio")


@dataclass
class YearSplit:
    """The years of two figures: each one's range, those both cover, and those only one covers."""

    years_a: list[int] = field(default_factory=list)
    years_b: list[int] = field(default_factory=list)

    @property
    def common(self) -> list[int]:
        return sorted(set(self.years_a) & set(self.years_b))

    @property
    def only_a(self) -> list[int]:
        return sorted(set(self.years_a) - set(self.years_b))

    @property
    def only_b(self) -> list[int]:
        return sorted(set(self.years_b) - set(self.years_a))

    @property
    def differ(self) -> bool:
        return set(self.years_a) != set(self.years_b)


def years(rows: Sequence[dict], column: str = YEAR) -> list[int]:
    """The distinct years of ``rows``, ascending; empty if they have no year column."""
    return sorted({int(row[column]) for row in rows if isinstance(row.get(column), int | float)})


def split_years(rows_a: Sequence[dict], rows_b: Sequence[dict], column: str = YEAR) -> YearSplit | None:
    """How the years of two figures relate; None when either has no year column (nothing to split by)."""
    a, b = years(rows_a, column), years(rows_b, column)
    if not a or not b:
        return None
    return YearSplit(a, b)


def in_years(rows: Sequence[dict], chosen: Sequence[int], column: str = YEAR) -> list[dict]:
    """The rows of ``rows`` whose year is one of ``chosen``, in their order."""
    wanted = set(chosen)
    return [row for row in rows if row.get(column) in wanted]


def additive(column: str, rows: Sequence[dict]) -> bool:
    """Whether a column's values add up over rows: money and counts, not rates, shares or years."""
    if column == YEAR or column.endswith(NOT_ADDITIVE):
        return False
    values = [row.get(column) for row in rows if row.get(column) is not None]
    if not values or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return False
    return column.endswith("_eur") or all(isinstance(v, int) for v in values)


def totals(rows: Sequence[dict], columns: Sequence[str]) -> dict[str, float]:
    """The sum of each of ``columns`` over ``rows``, money rounded to cents."""
    sums = {}
    for column in columns:
        total = sum(row.get(column) or 0 for row in rows)
        sums[column] = round(total, 2) if isinstance(total, float) else total
    return sums


def chart_column(numbers: Sequence[str], headline: str | None = None) -> str | None:
    """The number a chart of both cycles shows.

    The figure's declared ``headline`` if it has that column; otherwise the total
    if there is one, else the first sum of money, else the first rate or share
    that is not a target, else the first number.
    """
    if headline in numbers:
        return headline
    for preferred in ("total_eur", *(c for c in numbers if c.endswith("_eur"))):
        if preferred in numbers:
            return preferred
    rates = [c for c in numbers if c.endswith("_pct") and not c.startswith("target")]
    if rates:
        return rates[0]
    return numbers[0] if numbers else None


def span(chosen: Sequence[int]) -> str:
    """``2027–2034`` for consecutive years, ``2027, 2029`` otherwise, ``2027`` for one."""
    chosen = sorted(chosen)
    if not chosen:
        return ""
    if len(chosen) == 1:
        return str(chosen[0])
    if chosen == list(range(chosen[0], chosen[-1] + 1)):
        return f"{chosen[0]}–{chosen[-1]}"
    return ", ".join(str(year) for year in chosen)
