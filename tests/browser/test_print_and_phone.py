"""Issue 20: the plan on paper and on a phone, and every published figure in a chapter (real browser)."""

import re

import pytest

from .conftest import WCAG_21_AA
from .test_accessibility import PAGES

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one live portal, in one worker

CHAPTER_5_1 = "/plan/teil-2-status-quo/inhaltsfelder/it-infrastruktur-und-technische-ausstattung/"
PHONE = {"width": 390, "height": 844}


def visible(page, selector) -> list[bool]:
    return [page.locator(selector).nth(i).is_visible() for i in range(page.locator(selector).count())]


def _wait_until_print_js_has(page, *, opened: bool) -> None:
    """Until print.js has opened (or closed again) every data table's <details>; fails after 5 s."""
    page.wait_for_function(
        "opened => [...document.querySelectorAll('details.figure-block__data')].every(d => d.open === opened)",
        arg=opened, timeout=5000,
    )


def test_chapter_5_3_prints_its_tables_a_header_and_no_links_or_forms(live_portal, page):
    page.goto(live_portal + PAGES["chapter 5.3"])
    tables = "details.figure-block__data table"
    assert len(visible(page, tables)) >= 5 and not any(visible(page, tables))
    assert not page.locator(".print-header").is_visible()

    page.emulate_media(media="print")
    _wait_until_print_js_has(page, opened=True)  # print.js reacts to the media change in an event, not at once
    assert all(visible(page, tables)), "Datentabellen fehlen im Druck"
    assert not any(visible(page, ".figure-block__data > summary"))
    assert not any(visible(page, ".figure-block__downloads")) and not any(visible(page, 'a[href*=".csv"]'))
    assert not any(visible(page, 'a[href*="/abbildungen/vergleich/"]'))
    assert not any(visible(page, "form")) and not page.locator(".site-header").is_visible()
    assert all(visible(page, ".figure-block__stand"))
    header = page.locator(".print-header")
    assert header.is_visible()
    text = header.inner_text()
    assert "Medienentwicklungsplan Bochum · Fortschreibung 2025–2026" in text
    assert re.search(r"Stand: \d{1,2}\. \w+ 20\d\d", text)
    address = header.locator(".print-header__address")
    assert address.inner_text().strip() == "Adresse dieser Seite:"
    printed = address.evaluate("el => getComputedStyle(el, '::after').content")
    assert printed == f'" {live_portal + PAGES["chapter 5.3"]}"'
    # a figure may break across pages; its chart does not, and stays with the title above it
    styles = page.evaluate(
        """() => {
            const style = (selector, prop) => getComputedStyle(document.querySelector(selector)).getPropertyValue(prop);
            return {figure: style('.figure-block', 'break-inside'), chart: style('.figure-block__chart', 'break-inside'),
                    title: style('.figure-block__title', 'break-after'), scroll: style('.table-scroll', 'overflow-x')};
        }"""
    )
    assert styles == {"figure": "auto", "chart": "avoid", "title": "avoid", "scroll": "visible"}

    page.emulate_media(media="screen")
    _wait_until_print_js_has(page, opened=False)
    assert not any(visible(page, tables)), "nach dem Druck wieder zugeklappt"
    assert not header.is_visible()


def test_an_arabic_page_prints_its_address_left_to_right(live_portal, page):
    page.goto(live_portal + "/ar/")
    page.emulate_media(media="print")
    assert page.locator("html").get_attribute("dir") == "rtl"
    address = page.locator(".print-header__address")
    style = "el => [getComputedStyle(el, '::after').direction, getComputedStyle(el, '::after').unicodeBidi]"
    assert address.evaluate(style) == ["ltr", "isolate"]  # the URL is an isolated left-to-right run in the RTL line
    assert address.evaluate("el => getComputedStyle(el).direction") == "rtl"


def test_print_events_open_and_close_the_tables(live_portal, page):
    """What the print dialog sends (beforeprint/afterprint), without emulated print media."""
    page.goto(live_portal + PAGES["chapter 5.3"])
    page.locator("details.figure-block__data summary").first.click()  # one the reader opened stays open
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details.figure-block__data:not([open])").count() == 0
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("details.figure-block__data[open]").count() == 1
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_comparison_prints_without_its_form(live_portal, page):
    page.goto(live_portal + PAGES["compare cycles"])
    assert page.locator("form.compare-form").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("form.compare-form").is_visible()
    assert not any(visible(page, "select")) and not any(visible(page, "button"))
    assert page.locator("h1").is_visible() and page.locator(".print-header").is_visible()


def phone_pages(live_portal, browser) -> list[str]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_portal + PAGES["chapter 5.3"])
    scenario = page.locator('a[href^="/szenarien/"]').first
    paths = [PAGES["chapter 5.3"], CHAPTER_5_1, PAGES["open data"], PAGES["compare cycles"], PAGES["goals"]]
    if scenario.count():
        paths.append(scenario.get_attribute("href"))
    context.close()
    return paths


def test_every_table_scrolls_in_a_labelled_focusable_region_at_390_pixels(live_portal, browser, axe):
    context = browser.new_context(viewport=PHONE, locale="de-DE")
    page = context.new_page()
    checked = 0
    for path in phone_pages(live_portal, browser):
        page.goto(live_portal + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        regions = page.evaluate(
            """() => Array.from(document.querySelectorAll('main table')).map(table => {
                const region = table.closest('.table-scroll');
                if (!region) return {table: table.caption ? table.caption.textContent : '?', region: null};
                const label = document.getElementById(region.getAttribute('aria-labelledby') || '');
                return {table: table.caption ? table.caption.textContent : '?', role: region.getAttribute('role'),
                        tabindex: region.getAttribute('tabindex'), label: label ? label.textContent.trim() : '',
                        scrolls: region.scrollWidth > region.clientWidth,
                        fits: region.getBoundingClientRect().right <= window.innerWidth + 0.5};
            })"""
        )
        assert regions, path
        for region in regions:
            assert region.get("role") == "region" and region["tabindex"] == "0" and region["label"], (path, region)
            assert region["fits"], (path, region)
        checked += len(regions)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path}: {overflow} px breiter als der Bildschirm"
        results = axe.run(page, options=WCAG_21_AA)
        assert results.violations_count == 0, (path, results.generate_report())
        if path == PAGES["chapter 5.3"]:
            abb5 = page.locator('figure[data-figure-key="finance.forecast"] .table-scroll')
            assert abb5.evaluate("r => r.scrollWidth > r.clientWidth"), "Abb. 5 passt ohne Scrollen?"
            abb5.focus()
            assert abb5.evaluate("r => r === document.activeElement")
            for _ in range(5):
                page.keyboard.press("ArrowRight")
            page.wait_for_function(  # scrolled with the keyboard (Chromium may scroll smoothly)
                "() => document.querySelector('figure[data-figure-key=\"finance.forecast\"] .table-scroll').scrollLeft > 0",
                timeout=3000,
            )
        if path == PAGES["open data"]:
            region = page.locator(".open-data .table-scroll").first
            assert region.evaluate("r => r.scrollWidth > r.clientWidth")
            last = region.locator('a[href$=".json"]').first
            last.focus()  # a focused link in the download column scrolls into view instead of being cut off
            box, frame = last.bounding_box(), region.bounding_box()
            assert box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
    context.close()
    assert checked >= 15  # chapter 5.3 alone: its figures and the plan values


def test_every_published_figure_is_in_a_chapter_and_the_more_figures_pass_axe(live_portal, page, axe):
    shown = set()
    for path in (CHAPTER_5_1, PAGES["chapter 5.3"]):
        page.goto(live_portal + path)
        section = page.locator("section.more-figures")
        assert section.locator("h2").inner_text() == "Weitere Abbildungen zu diesem Feld"
        shown |= {f.get_attribute("data-figure-key") for f in page.locator("figure[data-figure-key]").all()}
        results = axe.run(page, options=WCAG_21_AA)
        assert results.violations_count == 0, (path, results.generate_report())
    assert {"infrastructure.overall_ratio", "infrastructure.equipment", "finance.total", "finance.peak_years"} <= shown
