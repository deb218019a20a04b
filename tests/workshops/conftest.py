from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from portal.workshops.models import Workshop, WorkshopSession, WorkshopTopic

SCHOOLS = [("S001", "Grundschule Am Kirchplatz"), ("S002", "Grundschule Lindenweg"), ("S003", "Gymnasium am Park")]


def three_schools():
    return SCHOOLS


@pytest.fixture(autouse=True)
def test_schools(settings):
    settings.MEP_SCHOOL_SOURCE = "tests.workshops.conftest.three_schools"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def robotics(db):
    topic, _ = WorkshopTopic.objects.get_or_create(slug="test-robotik", defaults={"name": "Testrobotik"})
    workshop = Workshop.objects.create(
        title="Lernroboter im Test", slug="lernroboter-im-test", description="Roboter ausprobieren.",
        target_group=Workshop.TargetGroup.PRIMARY, place=Workshop.Place.STUDIO, duration_minutes=120,
    )
    workshop.topics.add(topic)
    return workshop


@pytest.fixture
def make_session(robotics):
    def make(capacity=4, per_school=2, days=10, workshop=None, **extra):
        start = (timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)
        return WorkshopSession.objects.create(
            workshop=workshop or robotics, start=start, capacity=capacity, max_seats_per_school=per_school, **extra
        )

    return make


@pytest.fixture
def staff(django_user_model):
    """A member of the Medienzentrum's staff group."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("medienzentrum", password="x-not-used")
    user.groups.add(Group.objects.get(name="Medienzentrum (Workshops)"))
    return user
