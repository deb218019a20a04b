"""The test suite: SQLite in memory unless DATABASE_URL points at PostgreSQL."""

from .base import *  # noqa: F401,F403
from .base import DATABASES, STORAGES

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    import os

    # One test database per run, so that two suites on one server never clobber each other.
    DATABASES["default"]["TEST"] = {"NAME": f"test_mep_{os.getpid()}"}  # noqa: F405
