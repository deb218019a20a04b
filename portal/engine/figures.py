"""What a figure is, and how charts and tables are rendered.

INTERFACE FIRST: the types below are the contract between the engine and the
plugins. Rendering helpers follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

FigureKind = Literal["table", "chart", "key_figure"]


@dataclass(frozen=True)
class FigureInfo:
    """A figure a plugin can compute: its stable key, German title and kind."""

    key: str  # "<plugin>.<name>", e.g. "finance.forecast"
    title: str
    kind: FigureKind


@dataclass
class Figure:
    """A computed figure: data, summary and, for a chart, the SVG."""

    key: str
    title: str
    kind: FigureKind
    summary: str  # one German sentence; also the chart's text alternative
    data: pd.DataFrame
    svg: str | None = None  # a chart's SVG document with <title> and <desc>
