"""Settings shared by every environment. Secrets and hosts come from the environment."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PORTAL_DIR = BASE_DIR / "portal"
VAR_DIR = Path(os.environ.get("MEP_VAR_DIR", BASE_DIR / "var"))

INSTALLED_APPS = [
    "portal.figures.apps.FiguresConfig",
    "portal.plan.apps.PlanConfig",
    "portal.search.apps.SearchConfig",
    "portal.workshops.apps.WorkshopsConfig",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "django_tasks",
    "django_tasks_db",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PORTAL_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.plan.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# SQLite by default (the demo); PostgreSQL in production and in CI via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so concurrent
    # writers queue instead of failing half-way (needed for bookings later).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# German first; English is the second content language (wagtail-localize).
LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PORTAL_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATICFILES_DIRS = [PORTAL_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

WAGTAIL_SITE_NAME = "Medienentwicklungsplan Bochum"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILEMBEDS_FINDERS = []  # no oEmbed calls to the network at run time
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

LOGIN_URL = "wagtailadmin_login"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "medienzentrum@example.invalid")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "mep",
    },
    # rendered chapter bodies (portal/plan/page_cache.py); shared by all workers in production
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "mep-pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# Regenerations run inline in the demo and in tests; production queues them
# in the database (django-tasks-db, worker: `manage.py db_worker`).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Medienstudio workshops (portal/workshops): see README, "Workshops im Medienstudio".
# Where the bookable schools come from: a dotted path to a callable returning
# [(school_id, name), ...]; by default the current cycle's published data set.
MEP_SCHOOL_SOURCE = os.environ.get("MEP_SCHOOL_SOURCE", "portal.figures.schools.published_schools")
# The demo data set read by the default source; generated here once if missing.
MEP_DEMO_DATA_DIR = Path(os.environ.get("MEP_DEMO_DATA_DIR", VAR_DIR / "demo"))
# Days after a date when name and email of its bookings are erased.
MEP_WORKSHOP_ERASURE_DAYS = int(os.environ.get("MEP_WORKSHOP_ERASURE_DAYS", "30"))
# Days before a date when confirmed bookings get their reminder.
MEP_WORKSHOP_REMINDER_DAYS = int(os.environ.get("MEP_WORKSHOP_REMINDER_DAYS", "3"))
# Booking attempts per address and window (seconds), counted in the cache.
MEP_BOOKING_RATE_LIMIT = int(os.environ.get("MEP_BOOKING_RATE_LIMIT", "20"))
MEP_BOOKING_RATE_WINDOW = int(os.environ.get("MEP_BOOKING_RATE_WINDOW", "3600"))
# Behind a reverse proxy: the request header (Django META name) in which the proxy
# passes the client's address, e.g. HTTP_X_REAL_IP. Empty: REMOTE_ADDR.
MEP_CLIENT_IP_HEADER = os.environ.get("MEP_CLIENT_IP_HEADER", "")
# Public address for links in emails sent outside a request (reminders); requests use their own host.
MEP_PUBLIC_BASE_URL = os.environ.get("MEP_PUBLIC_BASE_URL", WAGTAILADMIN_BASE_URL)

# Planning-data uploads (portal/figures): see README, "Sicherheit und Betrieb".
# Largest upload (.zip or .xlsx) in MB; refused in the form, and cut off while it streams in.
MEP_UPLOAD_MAX_MB = int(os.environ.get("MEP_UPLOAD_MAX_MB", "20"))
# Largest file of a data set once unpacked (a CSV, a workbook part), in MB.
MEP_UNPACKED_MAX_MB = int(os.environ.get("MEP_UNPACKED_MAX_MB", "200"))
# Raw data sets live here, outside MEDIA_ROOT, never served by any URL.
MEP_PRIVATE_ROOT = Path(os.environ.get("MEP_PRIVATE_ROOT", VAR_DIR / "private"))
