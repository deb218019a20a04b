"""The workshops in Turkish, Ukrainian and Arabic: list, date, booking form, its errors and the mails of a booking."""

import re

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext

from portal.workshops.models import Booking
from tests.test_more_languages import assert_no_german_interface
from tests.workshops.test_english import GERMAN_MAIL_WORDS, VALID, english_mail

pytestmark = pytest.mark.django_db

EXPECTED = {
    "tr": {
        "list": "Medienstudio'da atölyeler",
        "form": "Yer ayırt",
        "summary": "Lütfen bilgilerinizi kontrol edin",
        "errors": [
            "Okul: Lütfen okulunuzu seçin.",
            "İlgili kişinin adı: Lütfen adınızı girin.",
            "E-posta adresi: Lütfen geçerli bir e-posta adresi girin, örneğin name@schule.de.",
            "Yer sayısı: Bir okul bu tarih için en fazla 2 yer ayırtabilir.",
        ],
        "refused": "Yalnızca 1 yer boş.",
        "subject": "Lütfen rezervasyonunuzu onaylayın",
        "hello": "Merhaba,\n",
        "confirmed": "Rezervasyon onaylandı",
    },
    "uk": {
        "list": "Семінари в Medienstudio",
        "form": "Забронювати місця",
        "summary": "Будь ласка, перевірте введені дані",
        "errors": [
            "Школа: Будь ласка, виберіть свою школу.",
            "Ім'я контактної особи: Будь ласка, вкажіть своє ім'я.",
            "Адреса електронної пошти: Будь ласка, вкажіть дійсну адресу електронної пошти, наприклад name@schule.de.",
            "Кількість місць: Одна школа може забронювати на цю дату щонайбільше 2 місць.",
        ],
        "refused": "Вільно лише 1 місце.",
        "subject": "Будь ласка, підтвердьте своє бронювання",
        "hello": "Добрий день,\n",
        "confirmed": "Бронювання підтверджено",
    },
    "ar": {
        "list": "ورش العمل في Medienstudio",
        "form": "حجز المقاعد",
        "summary": "يُرجى التحقق من بياناتكم",
        "errors": [
            "المدرسة: يُرجى اختيار مدرستكم.",
            "اسم الشخص المسؤول عن التواصل: يُرجى إدخال اسمكم.",
            "عنوان البريد الإلكتروني: يُرجى إدخال عنوان بريد إلكتروني صالح، مثل name@schule.de.",
            "عدد المقاعد: يمكن للمدرسة الواحدة حجز 2 مقاعد كحد أقصى لهذا الموعد.",
        ],
        "refused": "لم يتبقَّ سوى مقعد واحد (1).",
        "subject": "يُرجى تأكيد حجزكم",
        "hello": "مرحبًا،\n",
        "confirmed": "تم تأكيد الحجز",
    },
}


def html(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize("code", EXPECTED)
def test_the_workshop_pages_speak_the_language(client, make_session, code):
    session = make_session(capacity=4)
    for url in [f"/{code}/workshops/", f"/{code}/workshops/termine/{session.pk}/", f"/{code}/workshops/termine/{session.pk}/buchen/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        doc = html(response)
        assert doc.html["lang"] == code
        assert doc.html["dir"] == ("rtl" if code == "ar" else "ltr")
        assert_no_german_interface(response)
    assert html(client.get(f"/{code}/workshops/")).h1.get_text() == EXPECTED[code]["list"]
    form = html(client.get(f"/{code}/workshops/termine/{session.pk}/buchen/"))
    assert form.select_one(f'form[action="/{code}/workshops/termine/{session.pk}/buchen/"]') is not None
    assert EXPECTED[code]["form"] in form.get_text()
    # dates in the language's own format and month names (Ukrainian: the genitive, "6 грудня 2026")
    start = timezone.localtime(session.start)
    with translation.override(code):
        day = dateformat.format(start, gettext("l, j. F Y"))
    with translation.override("de"):
        german_month = dateformat.format(start, "F")
    text = html(client.get(f"/{code}/workshops/termine/{session.pk}/")).select_one("main").get_text()
    assert day in text and german_month not in text
    assert str(start.year) in day and german_month not in day


@pytest.mark.parametrize("code", EXPECTED)
def test_booking_errors_are_in_the_language(client, make_session, code):
    session = make_session(capacity=4, per_school=2)
    response = client.post(f"/{code}/workshops/termine/{session.pk}/buchen/", {"seats": "3", "email": "not-an-address"})
    assert response.status_code == 422
    doc = html(response)
    assert doc.select_one("#error-summary-title").get_text() == EXPECTED[code]["summary"]
    errors = [li.get_text(" ", strip=True) for li in doc.select("#error-summary li")]
    for expected in EXPECTED[code]["errors"]:
        assert expected in errors
    assert_no_german_interface(response)
    assert Booking.objects.count() == 0


@pytest.mark.parametrize("code", EXPECTED)
def test_a_refusal_of_the_booking_rules_is_in_the_language(make_session, post, code):
    session = make_session(capacity=1, per_school=2)
    response = post(f"/{code}/workshops/termine/{session.pk}/buchen/", VALID)
    assert response.status_code == 422
    assert EXPECTED[code]["refused"] in html(response).select_one("#error-summary").get_text()


@pytest.mark.parametrize("code", EXPECTED)
def test_a_booking_made_in_the_language_gets_its_mails_in_it(client, make_session, post, code):
    session = make_session(capacity=2, per_school=2, days=2)
    assert post(f"/{code}/workshops/termine/{session.pk}/buchen/", VALID).status_code == 302
    booking = Booking.objects.get()
    assert booking.language == code
    [request_mail] = mail.outbox
    assert request_mail.subject.startswith(EXPECTED[code]["subject"])
    assert request_mail.body.startswith(EXPECTED[code]["hello"])
    assert not GERMAN_MAIL_WORDS.search(english_mail(request_mail)), english_mail(request_mail)
    link = re.search(rf"http://testserver(/{code}/workshops/bestaetigen/\S+/)", request_mail.body).group(1)
    confirmed = post(link)
    assert html(confirmed).h1.get_text() == EXPECTED[code]["confirmed"]
    assert html(confirmed).html["lang"] == code
    confirmation = mail.outbox[1]
    assert confirmation.subject.startswith(EXPECTED[code]["confirmed"])
    assert f"/{code}/workshops/stornieren/" in confirmation.body
    assert not GERMAN_MAIL_WORDS.search(english_mail(confirmation)), english_mail(confirmation)
