import warnings

import pytest

from tests.databases import TemplateBuilder, drop_template, setup_test_database, shared_folder, teardown_test_database
from tests.demo import DemoData, publish_demo


def pytest_sessionstart(session):
    """The interface translations as `make` compiles them: a .po edited since (or a fresh checkout) is compiled first."""
    from portal.plan.management.commands.compile_catalogues import catalogue_files, compile_catalogue, is_stale

    for po_path in catalogue_files():
        if is_stale(po_path):
            compile_catalogue(po_path)
    _start_template_build(session.config)


def _start_template_build(config) -> None:
    """With xdist: the process that starts the run builds the test database while its workers start.

    Its own process does no test, so the workers do not wait for one of them to migrate
    and load the content pack (see tests/databases.py); without xdist the first test
    that needs a database builds it, as before.
    """
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    if getattr(config.option, "dist", "no") == "no" or config.option.collectonly:
        return
    from django.test.utils import setup_test_environment
    from pytest_django.plugin import blocking_manager_key

    if blocking_manager_key not in config.stash:
        return
    setup_test_environment(debug=False)  # as pytest-django's django_test_environment does in a worker
    config.stash[_builder_key] = TemplateBuilder(config._tmp_path_factory.getbasetemp(), config.stash[blocking_manager_key])


_builder_key = pytest.StashKey[TemplateBuilder]()


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker, tmp_path_factory):
    """This process's copy of the run's test database: migrated and the content pack loaded once per run.

    Replaces pytest-django's fixture (its --reuse-db/--nomigrations do not apply): see tests/databases.py.
    """
    with django_db_blocker.unblock():
        old_name, _ = setup_test_database(shared_folder(tmp_path_factory))
    yield
    with django_db_blocker.unblock():
        try:
            left_open = teardown_test_database(old_name)
        except Exception as exc:  # as pytest-django's own fixture: a leftover database is no test failure
            warnings.warn(f"Testdatenbank nicht entfernt: {exc!r}", pytest.PytestWarning, stacklevel=1)
        else:
            for session in left_open:
                warnings.warn(f"Verbindung zur Testdatenbank am Ende noch offen: {session}", pytest.PytestWarning, stacklevel=1)


def pytest_sessionfinish(session):
    """The process that started the run (not an xdist worker) removes the template database."""
    if hasattr(session.config, "workerinput") or not hasattr(session.config, "_tmp_path_factory"):
        return
    from pytest_django.plugin import blocking_manager_key

    if _builder_key in session.config.stash:
        error = session.config.stash[_builder_key].join()
        if error is not None:
            warnings.warn(f"Vorlage der Testdatenbank nicht im Hauptprozess gebaut: {error!r}", pytest.PytestWarning, stacklevel=1)
    if blocking_manager_key not in session.config.stash:
        return
    folder = session.config._tmp_path_factory.getbasetemp()
    with session.config.stash[blocking_manager_key].unblock():
        drop_template(folder)


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
    user.groups.add(Group.objects.get(name="Redaktion"))
    return user


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST as the client does, then run the on-commit callbacks (the emails) as a real commit would."""

    def post(url, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **kwargs)

    return post


@pytest.fixture(autouse=True)
def german_by_default():
    """Each test starts in German: a request to /en/ leaves English active in its thread (LocaleMiddleware)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts without cached page fragments, page tree or figure keys (the test database is rolled back, the cache is not)."""
    from portal.figures.catalog import clear_stored_keys
    from portal.plan import navigation
    from portal.plan.page_cache import clear_page_cache

    clear_page_cache()
    clear_stored_keys()
    navigation.drop()


#: session fixtures that take seconds to build: the tests using one share an xdist worker,
#: so it is built once per run, not once in each worker that happens to get one of them
SHARED_SESSION_FIXTURES = {"musterstadt_site": "musterstadt", "edition": "pdf-edition"}


def _needs_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or "django_db_setup" in item.fixturenames


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """With ``--dist loadgroup`` (``make test``): group by ``xdist_group`` again, and order the run.

    pytest-xdist 3.8 (the newest) marks a group by appending ``@name`` to
    ``Node._nodeid``, which pytest 9 no longer reads (node ids live in
    ``Node._id``), so every group was spread over all workers and each worker
    built its own live portal. Remove that part once pytest-xdist supports pytest 9.

    The order (pyproject.toml turns off xdist's own reordering by group size):
    tests without a database first, so the workers have work while the run's
    process builds the template database (tests/databases.py, some 20 s); then
    the groups, each in one worker (the browser tests and the production site
    take minutes); then the other tests, which fill the gaps at the end.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        for fixture, group in SHARED_SESSION_FIXTURES.items():
            if fixture in item.fixturenames:
                item.add_marker(pytest.mark.xdist_group(group))
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")})
        if names and "@" not in item.nodeid:
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")
    items.sort(key=lambda item: (_needs_database(item), item.get_closest_marker("xdist_group") is None))  # stable sort
