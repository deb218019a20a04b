"""Charts and numbers: German formats, one colour-blind-safe palette, accessible SVG at 320 px."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from portal.engine.figures import (
    PALETTE,
    Figure,
    FigureInfo,
    bar_chart,
    ensure_accessible_svg,
    format_amount,
    format_eur,
    format_number,
    format_pct,
    german_formatter,
    german_join,
    line_chart,
    per_hundred,
    round_half_up,
    school_types_present,
)

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(1234.56, 2, "1.234,56"), (1234567.891, 2, "1.234.567,89"), (0.5, 0, "1"), (-1234.5, 1, "-1.234,5"), (float("nan"), 2, "–")],
)
def test_german_number_format(value, decimals, text):
    assert format_number(value, decimals) == text


def test_money_percent_and_lists_read_german():
    assert format_eur(1234.56) == "1.234,56 €"
    assert format_pct(48.31, 2) == "48,31 %"
    assert format_amount(12_345_678) == "12,3 Mio. €"
    assert format_amount(11_000.4) == "11.000 €"
    assert german_join(["2027", "2031", "2032"]) == "2027, 2031 und 2032"


def test_commercial_rounding():
    assert round_half_up(2.675, 2) == 2.68
    assert round_half_up(0.125, 2) == 0.13
    assert round_half_up(-0.125, 2) == -0.13
    assert round_half_up(9348400.000000002, 2) == 9348400.0
    assert round_half_up(pd.Series([68.75, np.nan]), 1).tolist()[0] == 68.8


@pytest.mark.parametrize(
    "svg",
    [
        bar_chart(["2025", "2026"], {"Investitionen": [1e6, 2e6], "Laufende Kosten": [5e5, 5e5]}, title="Prognose", desc="Zwei Jahre & mehr.", stacked=True, scale=1e6, decimals=1),
        bar_chart(["Grundschule", "Berufskolleg"], {"Quote": [53.5, 61.4]}, markers={"Ziel": [25, 75]}, title="Quote", desc="Zwei Schulformen.", horizontal=True, value_format=format_pct),
        line_chart([2025, 2026, 2027], {"0 %": [1, 2, 3], "2 %": [1, 2.1, 3.2]}, title="Szenarien", desc="Drei Jahre."),
    ],
    ids=["stacked", "horizontal", "line"],
)
def test_charts_are_accessible_readable_svg(svg):
    root = ET.fromstring(re.sub(r"<\?xml[^>]*>|<!DOCTYPE[^>]*>", "", svg))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # drawn about 1:1 at 320 px: the picture is at most 330 units wide and no text is smaller than 10
    assert float(root.get("viewBox").split()[2]) <= 330
    sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", svg)]
    assert sizes and min(sizes) >= 10
    colours = {c.upper() for c in re.findall(r"fill: (#[0-9a-fA-F]{6})", svg)}
    assert colours & set(PALETTE)
    assert colours <= set(PALETTE) | {"#FFFFFF", "#222222", "#CCCCCC", "#000000"}


def test_summary_becomes_the_desc_and_is_escaped():
    svg = bar_chart(["A"], {"x": [1]}, title="Kosten <2025>", desc="Schüler & Lehrkräfte")
    assert "<title id=" in svg and "Kosten &lt;2025&gt;</title>" in svg
    assert "Schüler &amp; Lehrkräfte</desc>" in svg


def test_german_tick_labels():
    svg = bar_chart(["A", "B"], {"x": [1500.0, 2500.0]}, title="T", desc="D")
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "1.200" in labels and "2.400" in labels


def test_same_chart_same_bytes():
    make = lambda: bar_chart(["A", "B"], {"x": [1, 2]}, title="T", desc="D")  # noqa: E731
    assert make() == make()


def test_a_plugins_own_svg_gets_title_and_desc():
    svg = ensure_accessible_svg('<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', "Titel", "Satz.", "k.x")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="k-x-title k-x-desc">')
    assert '<title id="k-x-title">Titel</title>' in svg
    assert ensure_accessible_svg(svg, "Anders", "Anders.") == svg


def test_school_types_present_in_the_contracts_order():
    schools = pd.DataFrame({"school_type": ["Gymnasium", "Grundschule", "Zukunftsschule", "Gymnasium", "Berufskolleg"]})
    assert school_types_present(schools) == ["Grundschule", "Gymnasium", "Berufskolleg", "Zukunftsschule"]
    assert school_types_present(schools.iloc[:0]) == []


def test_per_hundred_rounds_half_up_and_leaves_a_zero_base_empty():
    rates = per_hundred(pd.Series([1, 3, 5]), pd.Series([8, 0, 3]))
    assert rates.iloc[0] == 12.5 and np.isnan(rates.iloc[1]) and rates.iloc[2] == 166.7
    assert per_hundred(pd.Series([1]), pd.Series([3]), decimals=2).tolist() == [33.33]


def test_figure_of_takes_key_kind_and_labels_from_its_catalogue_entry():
    info = FigureInfo("x.costs", "Kosten", "table", {"eur": "Euro"})
    figure = Figure.of(info, "Satz.", pd.DataFrame({"eur": [1.0]}), title="Kosten 2025–2034")
    assert (figure.key, figure.kind, figure.title, figure.columns) == ("x.costs", "table", "Kosten 2025–2034", {"eur": "Euro"})
    assert Figure.of(info, "Satz.", pd.DataFrame()).title == "Kosten"


def test_german_formatter_takes_only_decimals():
    # the charts divide by their scale before plotting; a second division in the formatter was never used
    with pytest.raises(TypeError):
        german_formatter(1, 1000)
    assert german_formatter(1)(1234.5, 0) == "1.234,5"
