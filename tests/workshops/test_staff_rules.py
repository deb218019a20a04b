"""Staff cannot break the booking rules by accident: deleting and changing seats in the admin."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from portal.workshops.models import Booking

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["superuser", "medienzentrum"])
def staff(request, django_user_model):
    if request.param == "superuser":
        return django_user_model.objects.create_superuser("chefin", "chefin@example.org", "x-not-used")
    user = django_user_model.objects.create_user("medienzentrum", password="x-not-used")
    user.groups.add(Group.objects.get(name="Medienzentrum (Workshops)"))
    return user


@pytest.fixture
def full_date(make_session):
    """Two seats, both confirmed; two schools wait with one seat each, first Lindenweg, then Gymnasium."""
    session = make_session(capacity=2, per_school=2)
    for school_id, name, status in [
        ("S001", "Grundschule Am Kirchplatz", Booking.Status.CONFIRMED),
        ("S002", "Grundschule Lindenweg", Booking.Status.WAITING),
        ("S003", "Gymnasium am Park", Booking.Status.WAITING),
    ]:
        Booking.objects.create(session=session, school_id=school_id, school_name=name, email=f"{school_id}@schule.example",
                               seats=2 if status == Booking.Status.CONFIRMED else 1, status=status)
    return session


def statuses(session):
    return dict(session.bookings.values_list("school_id", "status"))


def edit(client, session, django_capture_on_commit_callbacks, **changes):
    data = {
        "workshop": session.workshop_id,
        "start": timezone.localtime(session.start).strftime("%Y-%m-%d %H:%M"),
        "end": timezone.localtime(session.end).strftime("%Y-%m-%d %H:%M"),
        "capacity": session.capacity, "max_seats_per_school": session.max_seats_per_school,
        "booking_opens": "", "booking_closes": "", **changes,
    }
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"/admin/snippets/workshops/workshopsession/edit/{session.pk}/", data)


def test_an_active_booking_is_not_offered_for_deletion_and_cannot_be_deleted(client, staff, full_date):
    client.force_login(staff)
    confirmed = full_date.bookings.get(school_id="S001")
    delete_url = f"/admin/snippets/workshops/booking/delete/{confirmed.pk}/"
    assert delete_url not in client.get(f"/admin/snippets/workshops/booking/edit/{confirmed.pk}/").content.decode()
    assert delete_url not in client.get(f"/admin/snippets/workshops/booking/?session={full_date.pk}").content.decode()
    assert delete_url not in client.get(f"/admin/snippets/workshops/booking/inspect/{confirmed.pk}/").content.decode()
    refused = client.post(delete_url, follow=True)
    assert "Aktive Buchungen lassen sich nicht löschen." in refused.content.decode()
    bulk = f"/admin/bulk/workshops/booking/delete/?next=/admin/&id={confirmed.pk}&id={full_date.bookings.get(school_id='S002').pk}"
    client.post(bulk)
    assert statuses(full_date) == {"S001": "confirmed", "S002": "waiting", "S003": "waiting"}


def test_a_cancelled_booking_can_still_be_deleted(client, staff, full_date):
    client.force_login(staff)
    booking = full_date.bookings.get(school_id="S003")
    booking.status = Booking.Status.CANCELLED
    booking.save()
    assert client.post(f"/admin/snippets/workshops/booking/delete/{booking.pk}/").status_code == 302
    assert not Booking.objects.filter(pk=booking.pk).exists()


def test_a_date_with_active_bookings_cannot_be_deleted(client, staff, full_date):
    client.force_login(staff)
    response = client.post(f"/admin/snippets/workshops/workshopsession/delete/{full_date.pk}/", follow=True)
    assert "Termine mit aktiven Buchungen lassen sich nicht löschen." in response.content.decode()
    assert full_date.bookings.count() == 3


def test_raising_a_dates_capacity_moves_the_waiting_list_up_in_order(client, staff, full_date, django_capture_on_commit_callbacks):
    client.force_login(staff)
    response = edit(client, full_date, django_capture_on_commit_callbacks, capacity=3)
    assert response.status_code == 302
    assert statuses(full_date) == {"S001": "confirmed", "S002": "confirmed", "S003": "waiting"}
    assert [m.to for m in mail.outbox] == [["S002@schule.example"]]
    assert mail.outbox[0].subject.startswith("Ein Platz ist frei geworden")
    full_date.refresh_from_db()
    edit(client, full_date, django_capture_on_commit_callbacks, capacity=4)
    assert statuses(full_date) == {"S001": "confirmed", "S002": "confirmed", "S003": "confirmed"}


def test_capacity_below_the_confirmed_seats_is_refused_at_the_field(client, staff, full_date, django_capture_on_commit_callbacks):
    client.force_login(staff)
    response = edit(client, full_date, django_capture_on_commit_callbacks, capacity=1, max_seats_per_school=1)
    assert response.status_code == 200
    [error] = response.context["form"].errors["capacity"]
    assert error.startswith("Für diesen Termin sind schon 2 Plätze bestätigt")
    full_date.refresh_from_db()
    assert full_date.capacity == 2 and statuses(full_date)["S001"] == "confirmed"
