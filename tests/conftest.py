import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the content pack once; every `db` test starts from the loaded plan."""
    with django_db_blocker.unblock():
        call_command("load_content", verbosity=0)


@pytest.fixture
def editor(db, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("redaktion", password="x-not-used")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts without cached page fragments or figure keys (the test database is rolled back, the cache is not)."""
    from portal.figures.catalog import clear_stored_keys
    from portal.plan.page_cache import clear_page_cache

    clear_page_cache()
    clear_stored_keys()
