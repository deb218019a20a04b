"""Charts are inlined without CSS, so that style-src 'self' does not blank them."""

import re

from portal.engine.figures import bar_chart
from portal.figures.svg import inline_svg, presentation_attributes


def test_matplotlib_chart_keeps_its_look_as_attributes():
    svg = bar_chart(["2025", "2026"], {"Investitionen": [3.0, 4.5]}, title="Prognose", desc="Zwei Balken.")
    assert "<style" in svg and 'style="' in svg  # what matplotlib writes
    inlined = inline_svg(svg, "f1")
    assert "<style" not in inlined and not re.search(r"\sstyle=", inlined)
    assert re.search(r'<svg\b[^>]*stroke-linejoin="round"[^>]*stroke-linecap="butt"', inlined)
    assert 'fill="#0072b2"' in inlined.lower()
    assert re.search(r"<text\b[^>]*font-family=\"'DejaVu Sans'", inlined)
    assert '<title id="f1-' in inlined and '<desc id="f1-' in inlined
    assert "Prognose" in inlined and "Zwei Balken." in inlined


def test_style_attribute_beats_rule_beats_attribute():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><style>*{stroke-linecap: butt} path{fill: red}</style>'
        '<path d="M0 0" fill="blue" style="stroke: #000; stroke-linecap: round"/><path d="M1 1" fill="blue"/></svg>'
    )
    out = presentation_attributes(svg)
    assert out == (
        '<svg xmlns="http://www.w3.org/2000/svg" stroke-linecap="butt">'
        '<path d="M0 0" fill="red" stroke="#000" stroke-linecap="round"/><path d="M1 1" fill="red"/></svg>'
    )


def test_properties_without_an_attribute_and_other_selectors_are_dropped():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><style>.x{fill: red}</style>'
        '<text style="font-size: 10px; background: url(https://example.org/x.png); fill: #222">a</text></svg>'
    )
    out = presentation_attributes(svg)
    assert out == '<svg xmlns="http://www.w3.org/2000/svg"><text font-size="10px" fill="#222">a</text></svg>'


def test_star_rule_inherited_property_goes_to_the_root_and_others_to_every_element():
    svg = '<svg><style>*{opacity: 0.5; fill: red}</style><title>T</title><g><path d="M0 0"/></g></svg>'
    assert presentation_attributes(svg) == (
        '<svg opacity="0.5" fill="red"><title>T</title><g opacity="0.5"><path d="M0 0" opacity="0.5"/></g></svg>'
    )


def test_a_snapshot_stores_its_chart_ready_to_inline_and_a_page_shows_it_the_same():
    from portal.figures.svg import csp_ready

    svg = bar_chart(["2025", "2026"], {"Investitionen": [3.0, 4.5]}, title="Prognose", desc="Zwei Balken.")
    stored = csp_ready(svg)
    assert "<style" not in stored and not re.search(r"\sstyle=", stored) and not stored.startswith("<?xml")
    assert csp_ready(stored) == stored
    assert inline_svg(stored, "f1") == inline_svg(svg, "f1")
