"""Turkish, Ukrainian and Arabic interface of the public pages: header and footer, search, the dialogue on a
chapter (form, its errors, the pages after sending and the mail), the goals page and open data.

Search, dialogue, goals and open data are German-only views in a partial language (MEP_PARTIAL_LANGUAGES); their
catalogues are complete all the same, so these tests take the language out of that list to see them translated.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from portal.figures.models import Cycle
from portal.plan.models import ChapterPage
from tests.test_i18n import english_text

pytestmark = pytest.mark.django_db

# language -> what a reader sees on the pages (translated) instead of the German interface word
EXPECTED = {
    "tr": {
        "footer": ["Açık veriler (Almanca)", "Plan hakkında diyalog (Almanca)"],
        "search": ["Medya geliştirme planında ara", "Arama terimi", "Türe göre filtrele"],
        "form": ["Yorumu gönder", "Yorumunuz neyle ilgili?", "Zorunlu alanlar", "Öğretmen"],
        "errors": ["Lütfen bilgilerinizi kontrol edin", "Lütfen yorumunuzu yazın.", "Lütfen hangi rolle yazdığınızı seçin."],
        "submitted": "Lütfen yorumunuzu onaylayın",
        "subject": "Lütfen medya geliştirme planına yaptığınız yorumu onaylayın",
        "hello": "Merhaba,",
        "confirm": "Yorumu onayla",
        "goals": ["Hedeflerin durumu", "Hedefleri filtrele", "Eylem alanı"],
        "open_data": ["Şekil", "Sütunlar", "Veriler"],
    },
    "uk": {
        "footer": ["Відкриті дані (німецькою)", "Діалог щодо плану (німецькою)"],
        "search": ["Пошук у плані розвитку медіа", "Пошуковий запит", "Фільтрувати за типом"],
        "form": ["Надіслати коментар", "Чого стосується ваш коментар?", "Обов’язкові поля", "Учитель/учителька"],
        "errors": ["Будь ласка, перевірте введені дані", "Будь ласка, напишіть свій коментар.", "Будь ласка, виберіть, у якій ролі ви пишете."],
        "submitted": "Будь ласка, підтвердьте свій коментар",
        "subject": "Будь ласка, підтвердьте свій коментар до плану розвитку медіа",
        "hello": "Добрий день,",
        "confirm": "Підтвердити коментар",
        "goals": ["Стан цілей", "Фільтрувати цілі", "Сфера діяльності"],
        "open_data": ["Ілюстрація", "Стовпці", "Дані"],
    },
    "ar": {
        "footer": ["البيانات المفتوحة (بالألمانية)", "الحوار حول الخطة (بالألمانية)"],
        "search": ["البحث في خطة تطوير الإعلام", "كلمة البحث", "التصفية حسب النوع"],
        "form": ["إرسال التعليق", "بماذا يتعلّق تعليقكم؟", "الحقول الإلزامية", "معلّم/معلّمة"],
        "errors": ["يُرجى التحقق من بياناتكم", "يُرجى كتابة تعليقكم.", "يُرجى اختيار الصفة التي تكتبون بها."],
        "submitted": "يُرجى تأكيد تعليقكم",
        "subject": "يُرجى تأكيد تعليقكم على خطة تطوير الإعلام",
        "hello": "مرحبًا،",
        "confirm": "تأكيد التعليق",
        "goals": ["حالة الأهداف", "تصفية الأهداف", "مجال العمل"],
        "open_data": ["الشكل", "الأعمدة", "البيانات"],
    },
}

# German interface words of the same templates that must not be left (German text marked lang="de" set aside)
GERMAN = {
    "footer": ["Offene Daten", "Dialog zum Plan", "Zyklen vergleichen", "Rechtliches"],
    "search": ["Suchbegriff", "Suchen", "Treffer", "Vorschläge", "Nach Art filtern", "Suche im Medienentwicklungsplan"],
    "form": ["Kommentar absenden", "Pflichtfelder", "Ihr Kommentar", "Worauf bezieht", "Sie schreiben als", "Lehrkraft",
             "Das ganze Kapitel", "Datenschutzerklärung", "Zurück zum Kapitel", "Bitte wählen"],
    "errors": ["Bitte prüfen", "Bitte schreiben", "Bitte wählen Sie"],
    "goals": ["Stand der Ziele", "Ziele filtern", "Handlungsfeld", "Verlauf der Ziele", "Daten zum Herunterladen"],
    "open_data": ["Abbildung", "Spalten", "Schnittstelle", "Alle Zyklen", "Stand:"],
}
VALID = {"text": "Mehr Tablets für die Grundschulen, bitte.", "role": "eltern", "email": "leser@example.org", "display_name": ""}


def visible(response) -> str:
    return english_text(response.content)


def assert_translated(text: str, expected: list[str], german: list[str]):
    for phrase in expected:
        assert phrase in text, f"missing {phrase!r}"
    left = [word for word in german if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]
    assert left == [], f"German interface left: {left}"


@pytest.fixture
def all_languages_full(settings):
    settings.MEP_PARTIAL_LANGUAGES = []


@pytest.fixture
def chapter(db):
    """A German chapter with paragraphs and goals; the dialogue is open for the current cycle."""
    cache.clear()  # the rate limits of the comment form
    if not Cycle.objects.filter(is_current=True).exists():
        Cycle.objects.create(name="2025–2026", start_year=2025, end_year=2026, is_current=True)
    return next(
        p for p in ChapterPage.objects.live().filter(locale__language_code="de").order_by("path")
        if any(b.block_type == "goals" for b in p.body) and any(b.block_type in ("paragraph", "noted_paragraph") for b in p.body)
    )


@pytest.mark.parametrize("code", EXPECTED)
def test_the_header_and_footer_of_the_start_page(client, code):
    """As configured (a partial language): links to German-only views say so in the reader's language."""
    response = client.get(f"/{code}/")
    assert response.status_code == 200
    doc = BeautifulSoup(response.content, "html.parser")
    for element in doc.select('[lang="de"]'):
        element.decompose()
    chrome = " ".join(el.get_text(" ", strip=True) for el in doc.select("header, .main-nav, footer, .site-footer"))
    assert_translated(chrome, EXPECTED[code]["footer"], GERMAN["footer"])


@pytest.mark.parametrize("code", EXPECTED)
def test_the_search_page(client, all_languages_full, code):
    response = client.get(f"/{code}/suche/?q=Medien")
    assert response.status_code == 200
    assert_translated(visible(response), EXPECTED[code]["search"], GERMAN["search"])


@pytest.mark.parametrize("code", EXPECTED)
def test_the_comment_form_its_errors_and_what_follows(client, all_languages_full, chapter, django_capture_on_commit_callbacks, code):
    with translation.override(code):
        url = reverse("dialogue:comment", args=[chapter.pk])
    assert url.startswith(f"/{code}/")
    form = client.get(url)
    assert form.status_code == 200
    assert BeautifulSoup(form.content, "html.parser").html["lang"] == code
    assert_translated(visible(form), EXPECTED[code]["form"], GERMAN["form"])

    errors = client.post(url, {"text": "", "role": "", "email": "leser@example.org"})
    assert errors.status_code == 422
    summary = BeautifulSoup(errors.content, "html.parser").select_one("#error-summary").get_text(" ", strip=True)
    assert_translated(summary, EXPECTED[code]["errors"], GERMAN["errors"])

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, VALID)
    assert sent.status_code == 302
    submitted = client.get(sent["Location"])
    assert EXPECTED[code]["submitted"] in visible(submitted)
    assert "Bitte bestätigen" not in visible(submitted)

    [message] = mail.outbox
    assert message.subject.startswith(EXPECTED[code]["subject"])
    assert message.body.startswith(EXPECTED[code]["hello"])
    assert not re.search(r"Guten Tag|Kommentar|bestätigen|Bitte", message.body.split("\n-- ")[0])
    link = re.search(rf"https?://[^/\s]+(/{code}/dialog/bestaetigen/\S+/)", message.body).group(1)
    confirm = client.get(link)
    assert confirm.status_code == 200
    assert EXPECTED[code]["confirm"] in visible(confirm) and "Kommentar bestätigen" not in visible(confirm)


@pytest.mark.parametrize("code", EXPECTED)
def test_the_goals_page(client, all_languages_full, code):
    response = client.get(f"/{code}/ziele/")
    assert response.status_code == 200
    assert_translated(visible(response), EXPECTED[code]["goals"], GERMAN["goals"])


def test_open_data_frames_the_published_figures(client, all_languages_full, published):
    for code, expected in EXPECTED.items():
        response = client.get(f"/{code}/offene-daten/")
        assert response.status_code == 200
        doc = BeautifulSoup(response.content, "html.parser")
        headers = [th.get_text(strip=True) for th in doc.find("thead").find_all("th")]
        assert headers == expected["open_data"]
        assert_translated(visible(response), [], GERMAN["open_data"])
