"""The test suite: SQLite in a temporary file unless DATABASE_URL points at PostgreSQL."""

import os
import tempfile

from .base import *  # noqa: F401,F403
from .base import DATABASES, STORAGES

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if os.environ.get("MEP_TEST_EMAIL_DIR"):
    # The browser tests' server process: its emails land as files the test can read.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["MEP_TEST_EMAIL_DIR"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Tests start housekeeping themselves: a request must not send reminders or erase data behind a test's back.
# The suite searches the embedded index; tests of the Elasticsearch backend opt in themselves.
ELASTICSEARCH_URL = ""
# Tests that commit (the live portal, transactional tests) would build the whole PDF after each publish;
# the tests of the PDF edition turn it on themselves.
MEP_PDF_BUILD_AFTER_PUBLISH = os.environ.get("MEP_PDF_BUILD_AFTER_PUBLISH", "0") == "1"
MEP_HOUSEKEEPING_INTERVAL_MINUTES = int(os.environ.get("MEP_HOUSEKEEPING_INTERVAL_MINUTES", "0"))

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # One test database per run, so that two suites on one server never clobber each other.
    DATABASES["default"]["TEST"] = {"NAME": f"test_mep_{os.getpid()}"}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not shared-cache memory: the concurrency tests book from many threads,
    # each with its own connection, and shared-cache SQLite fails with "table is locked"
    # instead of waiting for the IMMEDIATE write lock as a real SQLite file does.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.path.join(
        tempfile.gettempdir(), f"mep-test-{os.getpid()}.sqlite3"
    )

# Request and task lines only where a test asks for them (tests/test_operations.py), not for every test request.
LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "WARNING")  # noqa: F405

# The browser tests' portal and the Django process that sets up their data share their caches (files), as
# production's processes share theirs: a change made in one (say, a published scenario) reaches the other.
if os.environ.get("MEP_TEST_CACHE_DIR"):
    CACHES = {  # noqa: F405
        name: {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.path.join(os.environ["MEP_TEST_CACHE_DIR"], name),
            **({"OPTIONS": config["OPTIONS"]} if "OPTIONS" in config else {}),
        }
        for name, config in CACHES.items()  # noqa: F405
    }
