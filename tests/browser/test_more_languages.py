"""Arabic (right to left), Turkish and Ukrainian in a real browser: no axe violations (WCAG 2.1 A/AA), mirrored layout."""

import pytest

from .test_english import assert_axe_clean

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one live portal, in one worker


def test_arabic_start_page_is_right_to_left_and_has_no_axe_violations(live_portal, page, axe):
    response = page.goto(live_portal + "/ar/")
    assert response.status == 200
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "خطة تطوير الإعلام الحيّة لمدينة بوخوم"
    # the layout is mirrored: the skip link and the lead text start at the right edge
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    lead = page.locator(".hero .lead p").first.bounding_box()
    main = page.locator("main").bounding_box()
    assert abs((lead["x"] + lead["width"]) - (main["x"] + main["width"])) < 40
    assert_axe_clean(page, axe)


def test_arabic_booking_form_and_its_errors_have_no_axe_violations(live_portal, page, axe):
    page.goto(live_portal + "/ar/workshops/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_axe_clean(page, axe)
    page.locator(".session-card a").first.click()
    page.get_by_role("link", name="حجز المقاعد").or_(page.get_by_role("link", name="التسجيل في قائمة الانتظار")).click()
    assert "/ar/workshops/termine/" in page.url and page.url.endswith("/buchen/")
    assert_axe_clean(page, axe)
    page.get_by_role("button", name="احجز").click()
    assert page.locator("#error-summary-title").inner_text() == "يُرجى التحقق من بياناتكم"
    assert "يُرجى اختيار مدرستكم." in page.locator("#error-summary").inner_text()
    assert_axe_clean(page, axe)


@pytest.mark.parametrize(("code", "title"), [("tr", "Kısaca plan"), ("uk", "План коротко")])
def test_turkish_and_ukrainian_start_and_summary_pages_have_no_axe_violations(live_portal, page, axe, code, title):
    page.goto(live_portal + f"/{code}/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert_axe_clean(page, axe)
    page.locator(".main-nav").get_by_role("link", name=title).click()
    assert page.locator("h1").inner_text() == title
    assert_axe_clean(page, axe)


def test_the_switcher_leads_from_arabic_to_the_same_page_in_turkish(live_portal, page):
    page.goto(live_portal + "/ar/al-khitta-bi-ikhtisar/")
    page.locator('.language-switcher a[hreflang="tr"]').click()
    assert page.url == live_portal + "/tr/kisaca-plan/"
    assert page.locator("html").get_attribute("dir") == "ltr"
