"""One migrated test database per run, copied for every process that needs one.

Migrating (Wagtail's and ours, some two hundred migrations) and loading the content
pack costs more CPU than any test. Done once per xdist worker, once more for the
browser tests' live portal and once more for the production-site tests, it was the
biggest single cost of the suite on two cores. Now one process builds a *template*
(migrate + ``load_content``) under a file lock in the run's shared temporary folder,
and each worker, the live portal and the production site get a copy of it: a file
copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL (both through Django's
own test-database cloning). The process that started the run drops the template at
its end (:func:`drop_template`).

With xdist that process builds the template itself, in a thread, while the workers
start and collect (:class:`TemplateBuilder`): no worker waits idle while another
migrates. Without xdist the first test that needs a database builds it.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

MARKER = "test-database.json"


def shared_folder(tmp_path_factory) -> Path:
    """The temporary folder all processes of this run share (xdist workers get a subfolder of it each)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def locked(folder: Path):
    """One process at a time: building the template and copying it must not overlap."""
    with open(folder / "test-database.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def worker_suffix() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _template(folder: Path) -> dict | None:
    marker = folder / MARKER
    return json.loads(marker.read_text(encoding="utf-8")) if marker.exists() else None


def _build_template(folder: Path) -> dict:
    """Migrate a fresh test database and load the content pack into it, in this process.

    Runs before this process has used its database connection (``django_db_setup``
    is the first to touch it), so Django's own ``create_test_db`` can be used as is.
    """
    from django.core.management import call_command
    from django.db import connection

    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(folder / "test-template.sqlite3")
    # PostgreSQL: the settings' per-process name (test_mep_<pid>) is unique on the server already.
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    call_command("load_content", verbosity=0, stdout=io.StringIO())  # the xdist controller does not capture output
    connection.close()  # PostgreSQL copies a template only while nobody is connected to it
    info = {"vendor": connection.vendor, "name": name}
    (folder / MARKER).write_text(json.dumps(info), encoding="utf-8")
    return info


def setup_test_database(folder: Path) -> tuple[str, str]:
    """Point the default connection at this worker's own copy of the template (building it first if needed).

    Returns the connection's name before and the copy's name, for :func:`teardown_test_database`.
    """
    from django.conf import settings
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    with locked(folder):
        info = _template(folder)
        if info is None:
            info = _build_template(folder)
        connection.close()
        connection.settings_dict["NAME"] = info["name"]
        connection.creation.clone_test_db(suffix=worker_suffix(), verbosity=0)
        copy = connection.creation.get_test_db_clone_settings(worker_suffix())["NAME"]
    connection.settings_dict["NAME"] = copy
    settings.DATABASES["default"]["NAME"] = copy  # threads' connections (test_concurrency) are made from these
    connection.close()
    return old_name, copy


def teardown_test_database(old_name: str) -> list[str]:
    """Drop this process's copy; on PostgreSQL also while another session still holds it.

    Returns what those sessions last ran (empty when none): a connection the tests
    left open, for the run's warnings; the copy is dropped all the same (``FORCE``),
    so no run leaves a database behind on the server.
    """
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        connection.creation.destroy_test_db(old_name, verbosity=0)
        return []
    name = connection.settings_dict["NAME"]
    connection.close()
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT application_name, state, left(query, 300) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        others = [f"{application or '?'} ({state}): {query}" for application, state, query in cursor.fetchall()]
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")
    connection.settings_dict["NAME"] = old_name
    settings.DATABASES[connection.alias]["NAME"] = old_name
    return others


def copy_template(folder: Path, sqlite_target: Path | None = None, pg_name: str | None = None) -> bool:
    """Copy the run's template for a server process: to ``sqlite_target`` or a new PostgreSQL database.

    The template must exist (request ``django_db_setup`` first). Returns False when the
    template is of the other kind (say, a SQLite copy is wanted in a PostgreSQL run).
    """
    from django.db import connection

    with locked(folder):
        info = _template(folder)
        assert info is not None, "request django_db_setup before copying the test database"
        if info["vendor"] == "sqlite" and sqlite_target is not None:
            shutil.copyfile(info["name"], sqlite_target)
            return True
        if info["vendor"] == "postgresql" and pg_name is not None:
            with connection.creation._nodb_cursor() as cursor:
                cursor.execute(
                    f"CREATE DATABASE {connection.ops.quote_name(pg_name)} TEMPLATE {connection.ops.quote_name(info['name'])}"
                )
            return True
    return False


class TemplateBuilder:
    """Build the run's template in a thread of the process that started the run (the xdist controller).

    The lock is taken before the thread starts, so a worker that needs its database
    before the template is done waits for it; should the build fail, the lock is
    released without a template and the first worker builds it as before.
    """

    def __init__(self, folder: Path, blocker):
        self.folder = folder
        self.blocker = blocker
        self.error: BaseException | None = None
        self._handle = open(folder / "test-database.lock", "a")
        fcntl.flock(self._handle, fcntl.LOCK_EX)
        self._thread = threading.Thread(target=self._run, name="test-database-template", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from django.db import connection

        try:
            with self.blocker.unblock():
                if _template(self.folder) is None:
                    _build_template(self.folder)
        except BaseException as exc:  # reported at the end of the run; the workers build it themselves
            self.error = exc
            (self.folder / MARKER).unlink(missing_ok=True)
        finally:
            connection.close()
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()

    def join(self) -> BaseException | None:
        self._thread.join()
        return self.error


def drop_template(folder: Path) -> None:
    """At the end of the run, in the process that started it: remove the template."""
    from django.db import connection

    with locked(folder):
        info = _template(folder)
        if info is None:
            return
        if info["vendor"] == "sqlite":
            Path(info["name"]).unlink(missing_ok=True)
        else:
            with connection.creation._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(info['name'])}")
        (folder / MARKER).unlink()


@contextlib.contextmanager
def database_copy_url(tmp_path: Path, tmp_path_factory, django_db_blocker, label: str) -> Iterator[str]:
    """A copy of the run's template for a portal started in another process, as its ``DATABASE_URL``.

    SQLite: a file in ``tmp_path``; PostgreSQL: a database ``mep_<label>_<pid>``, dropped at the end.
    """
    from django.db import connection

    name = None
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            target = tmp_path / f"{label}.sqlite3"
            assert copy_template(shared_folder(tmp_path_factory), sqlite_target=target)
            url = f"sqlite:///{target}"
        else:
            name = f"mep_{label}_{os.getpid()}"
            assert copy_template(shared_folder(tmp_path_factory), pg_name=name)
            db = connection.settings_dict
            url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    try:
        yield url
    finally:
        if name:
            with django_db_blocker.unblock(), connection.creation._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")
