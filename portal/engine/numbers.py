"""German number formats and commercial rounding: pure Python and NumPy.

Kept apart from :mod:`portal.engine.figures` (which needs pandas) and
:mod:`portal.engine.charts` (which needs matplotlib), so that the processes
that draw charts import neither more than they use; :mod:`~portal.engine.figures`
re-exports every name, and plugins import them from there.
"""

from __future__ import annotations

import math
import sys


def round_one(value: float, decimals: int = 0) -> float:
    """Commercial rounding of one number in pure Python, as :func:`round_half_up` rounds (0,125 → 0,13)."""
    factor = 10.0**decimals
    scaled = abs(value) * factor
    return math.copysign(math.floor(scaled + 0.5 + 1e-9 + scaled * 1e-12) / factor, value)


def round_half_up(values, decimals: int = 2):
    """Commercial rounding (0,125 → 0,13), for a scalar, an array or a Series.

    The tiny nudge, far below a cent but above float noise, keeps binary
    fractions such as 2.675 (stored as 2.67499999…) rounding the way a
    person with a calculator expects. A plain number is rounded without NumPy.
    """
    if isinstance(values, int | float):
        return round_one(values, decimals)
    import numpy as np  # here, not at import: a portal process formats numbers without loading numpy

    factor = 10.0**decimals
    scaled = np.abs(np.asarray(values, dtype="float64")) * factor
    rounded = np.sign(values) * np.floor(scaled + 0.5 + 1e-9 + scaled * 1e-12) / factor
    pd = sys.modules.get("pandas")  # a Series can only come from a process that imported pandas
    if pd is not None and isinstance(values, pd.Series):
        return pd.Series(rounded, index=values.index, name=values.name)
    if np.ndim(rounded) == 0:
        return float(rounded)
    return rounded


def format_number_with(value: float | None, decimals: int, decimal: str, group: str) -> str:
    """``value`` with ``decimals`` places, commercially rounded, in the given decimal and grouping symbols.

    What :meth:`portal.engine.i18n.Translator.number` writes; a module-level
    function of plain values, so that a chart worker process
    (:mod:`portal.engine.charts`) formats its tick labels the same way from
    :attr:`~portal.engine.i18n.Translator.number_format`.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{round_one(float(value), decimals):,.{decimals}f}"
    if (decimal, group) == (".", ","):
        return text
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


def format_number(value: float, decimals: int = 0) -> str:
    """German number format: ``format_number(1234.5, 2)`` is ``1.234,50``."""
    return format_number_with(value, decimals, ",", ".")


def format_count(count: int, singular: str, plural: str) -> str:
    """"1 Schule", "1.234 Schulen": a German count with the right noun form."""
    return f"{format_number(count)} {singular if count == 1 else plural}"


def format_eur(value: float, decimals: int = 2) -> str:
    """``1.234,56 €``"""
    return f"{format_number(value, decimals)} €"


def format_pct(value: float, decimals: int = 1) -> str:
    """``48,3 %``"""
    return f"{format_number(value, decimals)} %"


def format_millions(value: float, decimals: int = 1) -> str:
    """``12,3 Mio. €``: large sums in sentences and chart labels."""
    return f"{format_number(value / 1e6, decimals)} Mio. €"


def format_amount(value: float) -> str:
    """A sum for a sentence: ``12,3 Mio. €`` from a million on, else ``11.000 €``."""
    if abs(value) >= 1e6:
        return format_millions(value)
    return format_eur(value, 0)
