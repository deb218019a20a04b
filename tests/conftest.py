import pytest
from django.core.management import call_command

from tests.demo import DemoData, publish_demo


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the content pack once; every `db` test starts from the loaded plan."""
    with django_db_blocker.unblock():
        call_command("load_content", verbosity=0)


@pytest.fixture(scope="session")
def demo_cache(tmp_path_factory):
    """The demo data sets and their figures, each made once per test session (per xdist worker)."""
    return DemoData(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def demo_folder(demo_cache):
    return demo_cache.folder("2025")


@pytest.fixture(scope="session")
def demo_2027_folder(demo_cache):
    return demo_cache.folder("2027")


@pytest.fixture
def published(db, demo_cache):
    """The demo data set imported into 2025–2026 and its figures published (computed once per session)."""
    return publish_demo(demo_cache, "2025-2026")


@pytest.fixture
def editor(db, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("redaktion", password="x-not-used")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts without cached page fragments, page tree or figure keys (the test database is rolled back, the cache is not)."""
    from portal.figures.catalog import clear_stored_keys
    from portal.plan import navigation
    from portal.plan.page_cache import clear_page_cache

    clear_page_cache()
    clear_stored_keys()
    navigation.drop()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Make ``--dist loadgroup`` group by ``xdist_group`` again.

    pytest-xdist 3.8 (the newest) marks a group by appending ``@name`` to
    ``Node._nodeid``, which pytest 9 no longer reads (node ids live in
    ``Node._id``), so every group was spread over all workers and each worker
    built its own live portal. Remove this once pytest-xdist supports pytest 9.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")})
        if names and "@" not in item.nodeid:
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")
