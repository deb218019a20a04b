"""Mail failures never lose a booking and never answer 500; workshop titles cannot inject mail headers."""

import smtplib
import ssl

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from portal.workshops.models import Booking, Workshop

pytestmark = pytest.mark.django_db

VALID = {"school": "S001", "contact_name": "Anna Beispiel", "email": "anna@schule.example", "seats": "2", "privacy": "on"}


class FailingBackend(BaseEmailBackend):
    """A mail server that fails the way the test asks it to."""

    error = None

    def send_messages(self, email_messages):
        raise FailingBackend.error


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("Verbindung verloren"),
        smtplib.SMTPRecipientsRefused({"anna@schule.example": (550, b"no")}),
        TimeoutError("timed out"),
        ssl.SSLError("handshake"),
        RuntimeError("anything else a mail library may raise"),
    ],
    ids=["disconnected", "refused", "timeout", "ssl", "anything"],
)
def test_a_failing_mail_server_never_loses_a_booking_nor_answers_500(
    client, make_session, post, settings, monkeypatch, caplog, staff, error
):
    settings.EMAIL_BACKEND = "tests.workshops.test_mail_failures.FailingBackend"
    monkeypatch.setattr(FailingBackend, "error", error)
    session = make_session(capacity=2)
    booked = post(f"/workshops/termine/{session.pk}/buchen/", VALID)
    assert booked.status_code == 302
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.PENDING  # saved; the confirmation mail is what failed
    assert client.get(booked["Location"]).status_code == 200
    assert "nicht gesendet" in caplog.text
    # Staff call the date off: every booking is released although no mail leaves.
    client.force_login(staff)
    called_off = post(f"/admin/workshops/termine/{session.pk}/absagen/")
    assert called_off.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.SESSION_CANCELLED


def test_a_title_with_a_line_break_is_refused_at_the_field(client, staff):
    client.force_login(staff)
    response = client.post("/admin/snippets/workshops/workshop/add/", {
        "title": "Lernroboter\r\nBcc: alle@example.org", "slug": "lernroboter-bcc", "description": "x",
        "target_group": "grundschule", "place": "medienstudio", "duration_minutes": "120",
    })
    assert response.status_code == 200
    assert "Der Titel darf keine Zeilenumbrüche oder Steuerzeichen enthalten" in response.content.decode()
    assert not Workshop.objects.filter(slug="lernroboter-bcc").exists()


def test_a_stored_title_with_a_line_break_never_reaches_a_mail_header(client, make_session, post):
    workshop = Workshop.objects.create(title="Lernroboter\nBcc: alle@example.org", slug="alt", description="x")
    session = make_session(workshop=workshop)
    assert post(f"/workshops/termine/{session.pk}/buchen/", VALID).status_code == 302
    [message] = mail.outbox
    assert message.subject == "Bitte bestätigen Sie Ihre Buchung: Lernroboter Bcc: alle@example.org"
    assert "Bcc" not in message.message().keys()


def test_in_production_mails_wait_for_the_worker_and_carry_no_personal_data(make_session, post, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    session = make_session(capacity=2)
    assert post(f"/workshops/termine/{session.pk}/buchen/", VALID).status_code == 302
    assert mail.outbox == []  # the request did not wait for a mail server
    [queued] = DBTaskResult.objects.filter(task_path__endswith="send_booking_mail")
    assert "anna" not in str(queued.args_kwargs).lower()
    # What the worker (manage.py db_worker) does with it; the command itself closes the test's connection.
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    [message] = mail.outbox
    assert message.to == ["anna@schule.example"] and message.subject.startswith("Bitte bestätigen Sie Ihre Buchung")
