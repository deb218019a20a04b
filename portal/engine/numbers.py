"""German number formats and commercial rounding: pure Python and NumPy.

Kept apart from :mod:`portal.engine.figures` (which needs pandas) and
:mod:`portal.engine.charts` (which needs matplotlib), so that the processes
that draw charts import neither more than they use; :mod:`~portal.engine.figures`
re-exports every name, and plugins import them from there.
"""

from __future__ import annotations

import math
import sys


def round_half_up(values, decimals: int = 2):
    """Commercial rounding (0,125 → 0,13), for a scalar, an array or a Series.

    The tiny nudge, far below a cent but above float noise, keeps binary
    fractions such as 2.675 (stored as 2.67499999…) rounding the way a
    person with a calculator expects.
    """
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


def format_number(value: float, decimals: int = 0) -> str:
    """German number format: ``format_number(1234.5, 2)`` is ``1.234,50``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{round_half_up(float(value), decimals):,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


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
