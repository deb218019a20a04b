"""Settings shared by every environment. Secrets and hosts come from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PORTAL_DIR = BASE_DIR / "portal"
VAR_DIR = Path(os.environ.get("MEP_VAR_DIR", BASE_DIR / "var"))

INSTALLED_APPS = [
    "portal.figures.apps.FiguresConfig",
    "portal.plan.apps.PlanConfig",
    "portal.search.apps.SearchConfig",
    "portal.workshops.apps.WorkshopsConfig",
    "portal.dialogue.apps.DialogueConfig",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.frontend_cache",
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
    # Turkish, Ukrainian, Arabic: views without a translation lead to German (portal/plan/languages.py).
    "portal.plan.languages.PartialLanguageMiddleware",
    # Whole public pages for visitors without a session (after Locale: keyed by language; before
    # compression: keeps the compressed variant); 304s for hits; see "Page cache" below.
    "portal.response_cache.AnonymousResponseCacheMiddleware",
    "portal.response_cache.CompressionMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",  # ETag and 304 for what is rendered
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
                "portal.plan.context_processors.site_identity",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the page-tree query (portal/plan/navigation.py, a dozen joins) is planned
    # at a cost above jit_above_cost on tables with few or no statistics yet, and PostgreSQL then
    # spent ~0.75 s compiling it for a query that runs in 1 ms (bench/pages.py, cold: 450 ms a page
    # against 20-50 ms on SQLite). A web portal's short queries never repay a compile.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Staff passwords: at least 12 characters (the admin is the only login).
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# German first; English is the second content language (wagtail-localize): the whole plan.
# Turkish, Ukrainian and Arabic (right to left) are partial languages: the start page, "Der Plan in
# Kürze" and the workshop pages. Each language is named in its own words (the switcher shows them so).
LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English"), ("tr", "Türkçe"), ("uk", "Українська"), ("ar", "العربية")]
# Languages with only some pages: the switcher offers them only where the page exists, and views
# without a translation there (search, open data, figure comparison) lead to the German version.
MEP_PARTIAL_LANGUAGES = ["tr", "uk", "ar"]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = [(code, name) for code, name in LANGUAGES if code not in MEP_PARTIAL_LANGUAGES]
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
# The DejaVu fonts (static/fonts, 2.7 MB) are read from disk by the PDF builder only (css/pdf.css); no
# browser loads them. Compressing them with brotli took 12 of collectstatic's 13 seconds.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "ttf"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# The content pack (content/README.md): everything that belongs to one Schulträger (site name, city,
# theme, plan, legal pages, Medienstudio, demo data). A relative path counts from the project folder.
MEP_CONTENT_PACK = BASE_DIR / os.environ.get("MEP_CONTENT_PACK", "content")


def _pack_site_name(pack: Path) -> str:
    """The admin's site name: ``name`` from the pack's site.yaml (read again, checked, by load_content)."""
    import yaml

    try:
        name = yaml.safe_load((pack / "site.yaml").read_text(encoding="utf-8")).get("name")
    except (OSError, AttributeError, yaml.YAMLError):
        name = None
    return name if isinstance(name, str) and name.strip() else "Medienentwicklungsplan"


WAGTAIL_SITE_NAME = _pack_site_name(MEP_CONTENT_PACK)
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILEMBEDS_FINDERS = []  # no oEmbed calls to the network at run time
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# The admin's search always stays on the database. The site search (portal/search) runs on
# Elasticsearch when ELASTICSEARCH_URL is set: one index per language behind "<ELASTICSEARCH_INDEX>-<lang>".
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "").strip()
ELASTICSEARCH_INDEX = os.environ.get("ELASTICSEARCH_INDEX", "mep").strip() or "mep"
ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT", "2"))

LOGIN_URL = "wagtailadmin_login"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "medienzentrum@example.invalid")
# Seconds an SMTP connection may take before sending gives up (and is logged; the booking stands).
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))

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

# --- Page cache and HTTP caching (issue 10, points 1-4; portal/response_cache.py) ---
# Seconds a whole public page for visitors without a session stays in the "pages" cache at most;
# anything a reader could see changing drops it at once (portal/plan/generation.py). 0: off.
MEP_PAGE_CACHE_SECONDS = int(os.environ.get("MEP_PAGE_CACHE_SECONDS", "3600"))
# Never cached under these path prefixes (the admin with its previews, documents with their privacy, the health check).
MEP_PAGE_CACHE_EXCLUDED_PATHS = ["/admin/", "/documents/", "/healthz", "/readyz", "/metrics"]
# Cache-Control of those pages: seconds a browser (max-age) and a proxy or CDN (s-maxage) may reuse them,
# and may serve them stale while fetching a fresh copy (stale-while-revalidate). Pages of one visitor:
# private, no-store.
MEP_HTTP_MAX_AGE = int(os.environ.get("MEP_HTTP_MAX_AGE", "60"))
MEP_HTTP_S_MAXAGE = int(os.environ.get("MEP_HTTP_S_MAXAGE", "60"))
MEP_HTTP_STALE_WHILE_REVALIDATE = int(os.environ.get("MEP_HTTP_STALE_WHILE_REVALIDATE", "30"))
# A Varnish (or another cache that takes HTTP PURGE) in front: its address, e.g. http://127.0.0.1:6081.
# Publishing or unpublishing a page purges its addresses there (wagtail.contrib.frontend_cache),
# as does every change of a workshop date's seats for the workshop pages. Empty (default): no purging.
MEP_FRONTEND_CACHE_URL = os.environ.get("MEP_FRONTEND_CACHE_URL", "")
if MEP_FRONTEND_CACHE_URL:
    WAGTAILFRONTENDCACHE = {
        "default": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": MEP_FRONTEND_CACHE_URL},
    }

# Regenerations run inline in the demo and in tests; production queues them
# in the database (django-tasks-db, worker: `manage.py db_worker`).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# MEP_TASK_QUEUE=database: tasks wait in the database for `manage.py db_worker` (as in production, whose
# settings always do this); the default runs them at once in the web process (the demo, the tests).
if os.environ.get("MEP_TASK_QUEUE", "").lower() == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The plan as PDF (portal/plan/pdf.py): rebuilt in the background (a django-tasks task) after every publish
# that changes the plan; "0" leaves it to the first download after a change.
MEP_PDF_BUILD_AFTER_PUBLISH = os.environ.get("MEP_PDF_BUILD_AFTER_PUBLISH", "1") == "1"
# Each plugin's field of action: the number of the chapter that shows all of the plugin's published figures,
# those its text does not place listed below it as "Weitere Abbildungen zu diesem Feld" (portal/plan/more_figures.py).
# A plugin not named here has its figures on the open-data page and in the comparison only.
MEP_FIELD_CHAPTERS = {
    "infrastructure": "5.1",
    "support": "5.2",
    "finance": "5.3",
    "controlling": "5.4",
    "ki": "6.3",
    "datastrategy": "6.4",
}

# Medienstudio workshops (portal/workshops): see README, "Workshops im Medienstudio".
# Where the bookable schools come from: a dotted path to a callable returning
# [(school_id, name), ...]; by default the current cycle's published data set.
MEP_SCHOOL_SOURCE = os.environ.get("MEP_SCHOOL_SOURCE", "portal.figures.schools.published_schools")
# The demo data set read by the default source; generated here once if missing.
MEP_DEMO_DATA_DIR = Path(os.environ.get("MEP_DEMO_DATA_DIR", VAR_DIR / "demo"))
# Days after a date when name and email of its bookings are erased.
MEP_WORKSHOP_ERASURE_DAYS = int(os.environ.get("MEP_WORKSHOP_ERASURE_DAYS", "30"))
# Days after its cancellation (or lapse) when a booking's name and email are erased.
MEP_WORKSHOP_INACTIVE_ERASURE_DAYS = int(os.environ.get("MEP_WORKSHOP_INACTIVE_ERASURE_DAYS", "7"))
# Minutes between two workshop housekeeping runs started by ordinary page traffic
# (lapse, erase, remind; portal/workshops/schedule.py). 0: only `manage.py run_housekeeping`.
MEP_HOUSEKEEPING_INTERVAL_MINUTES = int(os.environ.get("MEP_HOUSEKEEPING_INTERVAL_MINUTES", "60"))
# Days before a date when confirmed bookings get their reminder.
MEP_WORKSHOP_REMINDER_DAYS = int(os.environ.get("MEP_WORKSHOP_REMINDER_DAYS", "3"))
# Booking attempts per address and window (seconds), counted in the cache.
MEP_BOOKING_RATE_LIMIT = int(os.environ.get("MEP_BOOKING_RATE_LIMIT", "20"))
MEP_BOOKING_RATE_WINDOW = int(os.environ.get("MEP_BOOKING_RATE_WINDOW", "3600"))
# Minutes a booking awaiting its e-mail confirmation holds its seats (or waiting-list place) before it lapses.
MEP_BOOKING_CONFIRM_MINUTES = os.environ.get("MEP_BOOKING_CONFIRM_MINUTES", "30")
if not MEP_BOOKING_CONFIRM_MINUTES.isdigit() or int(MEP_BOOKING_CONFIRM_MINUTES) < 1:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"MEP_BOOKING_CONFIRM_MINUTES muss eine ganze Zahl von Minuten größer als 0 sein, nicht „{MEP_BOOKING_CONFIRM_MINUTES}“."
    )
MEP_BOOKING_CONFIRM_MINUTES = int(MEP_BOOKING_CONFIRM_MINUTES)
# PostgreSQL: milliseconds a booking service waits for a workshop date's lock before it
# answers "try again" instead of hanging a worker (SQLite: the busy timeout above).
MEP_LOCK_TIMEOUT_MS = int(os.environ.get("MEP_LOCK_TIMEOUT_MS", "5000"))

# The public dialogue on the plan (portal/dialogue): see README, "Dialog zum Plan".
# Hours a comment waits for its e-mail link; unconfirmed comments older than that are deleted.
MEP_DIALOGUE_CONFIRM_HOURS = int(os.environ.get("MEP_DIALOGUE_CONFIRM_HOURS", "48"))
# Days after the confirmation when a comment's e-mail address is erased (the privacy statement shows it).
MEP_DIALOGUE_ERASURE_DAYS = int(os.environ.get("MEP_DIALOGUE_ERASURE_DAYS", "30"))
# Longest comment, in characters.
MEP_DIALOGUE_MAX_LENGTH = int(os.environ.get("MEP_DIALOGUE_MAX_LENGTH", "2000"))
# Comment attempts per address, and valid comments per e-mail address, in MEP_DIALOGUE_RATE_WINDOW seconds.
MEP_DIALOGUE_RATE_LIMIT = int(os.environ.get("MEP_DIALOGUE_RATE_LIMIT", "10"))
MEP_DIALOGUE_EMAIL_RATE_LIMIT = int(os.environ.get("MEP_DIALOGUE_EMAIL_RATE_LIMIT", "5"))
MEP_DIALOGUE_RATE_WINDOW = int(os.environ.get("MEP_DIALOGUE_RATE_WINDOW", "3600"))
# A daily mail to the group Dialog-Moderation when comments wait for release ("false": none).
MEP_DIALOGUE_DIGEST = os.environ.get("MEP_DIALOGUE_DIGEST", "true").lower() == "true"

# --- Go-live operations (issue 8): client address, booking limits, shared caches, public address ---
# Reverse proxies in front of the portal, each appending its peer's address to MEP_CLIENT_IP_HEADER.
# 0: no proxy, the client is REMOTE_ADDR. n: the n-th address from the right of that header.
MEP_TRUSTED_PROXY_COUNT = int(os.environ.get("MEP_TRUSTED_PROXY_COUNT", "0"))
# The header (Django META name) the trusted proxies append to; read only when MEP_TRUSTED_PROXY_COUNT > 0.
MEP_CLIENT_IP_HEADER = os.environ.get("MEP_CLIENT_IP_HEADER", "HTTP_X_FORWARDED_FOR")
# Validated booking attempts per e-mail address and per school in MEP_BOOKING_RATE_WINDOW.
MEP_BOOKING_EMAIL_RATE_LIMIT = int(os.environ.get("MEP_BOOKING_EMAIL_RATE_LIMIT", "5"))
MEP_BOOKING_SCHOOL_RATE_LIMIT = int(os.environ.get("MEP_BOOKING_SCHOOL_RATE_LIMIT", "10"))
# Refuse caches that live in one process (booking counters, page cache); production turns it on.
MEP_SHARED_CACHE_REQUIRED = os.environ.get("MEP_SHARED_CACHE_REQUIRED", "false").lower() == "true"
# Public address for links in e-mails and calendars; when set it wins over the host a request names.
# Empty (the demo): a request's own host, reminders WAGTAILADMIN_BASE_URL. Production requires https.
MEP_PUBLIC_BASE_URL = os.environ.get("MEP_PUBLIC_BASE_URL") or os.environ.get("WAGTAILADMIN_BASE_URL", "")

# --- The admin door and the response headers (issue 8, points 12-14) ---------
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one
# account OR from one address, further attempts - even with the right password -
# are refused for MEP_LOGIN_COOLOFF_MINUTES. Counted in the database, so every
# worker sees the same count. Unlock early: `manage.py axes_reset_username NAME`.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before checking it
    "django.contrib.auth.backends.ModelBackend",
]
MIDDLEWARE.insert(1, "portal.security.ContentSecurityPolicyMiddleware")
MIDDLEWARE.insert(2, "portal.security.PermissionsPolicyMiddleware")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as axes requires
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
MEP_LOGIN_COOLOFF_MINUTES = int(os.environ.get("MEP_LOGIN_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_TIME = timedelta(minutes=MEP_LOGIN_COOLOFF_MINUTES)
# Either counter locks: per account (a distributed guess at one password) and per
# address (one machine trying many accounts). A pair ["username", "ip_address"]
# would let both through; the price is that a stranger can lock a staff account
# for the cool-off time, which staff can lift with axes_reset_username.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.security.locked_out"
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
AXES_ENABLE_ADMIN = False  # no django.contrib.admin; attempts are listed by axes_list_attempts

# Content-Security-Policy (django-csp): the portal loads nothing from other
# servers and has no inline script or style, charts included (portal/figures/svg.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The Wagtail admin (/admin/, staff only) is relaxed where Wagtail 8 needs it: its
# date/time widgets, InlinePanel and MultipleChooserPanel write inline <script>s and
# its scripts set inline styles; it shows the page preview in a frame and previews
# uploads as blob: images. Still no eval, no plugins, nothing from other servers.
MEP_ADMIN_CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(self), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "screen-wake-lock=(), usb=(), xr-spatial-tracking=()"
)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # avatars would come from gravatar.com and tell it who uses the admin
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Planning-data uploads (portal/figures): see README, "Sicherheit und Betrieb".
# Largest upload (.zip or .xlsx) in MB; refused in the form, and cut off while it streams in.
MEP_UPLOAD_MAX_MB = int(os.environ.get("MEP_UPLOAD_MAX_MB", "20"))
# Largest file of a data set once unpacked (a CSV, a workbook part), in MB.
MEP_UNPACKED_MAX_MB = int(os.environ.get("MEP_UNPACKED_MAX_MB", "200"))
# Raw data sets live here, outside MEDIA_ROOT, never served by any URL.
MEP_PRIVATE_ROOT = Path(os.environ.get("MEP_PRIVATE_ROOT", VAR_DIR / "private"))

# --- Operating the portal (issue 18): readiness, metrics, request logs (portal/operations) ---
INSTALLED_APPS += ["portal.operations.apps.OperationsConfig", "django_prometheus"]
MIDDLEWARE.insert(0, "portal.operations.requestlog.RequestLogMiddleware")  # first: its id is in every line
MIDDLEWARE.insert(1, "django_prometheus.middleware.PrometheusBeforeMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("portal.response_cache.AnonymousResponseCacheMiddleware"),
    "portal.operations.metrics.PageCacheMetricsMiddleware",
)
MIDDLEWARE.insert(MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "django_prometheus.middleware.PrometheusAfterMiddleware")
# /metrics: addresses (or networks) that may read it, comma-separated, and/or a token sent as
# "Authorization: Bearer <token>". Anyone else gets 403.
MEP_METRICS_ALLOWED_IPS = [a.strip() for a in os.environ.get("MEP_METRICS_ALLOWED_IPS", "127.0.0.1,::1").split(",") if a.strip()]
MEP_METRICS_TOKEN = os.environ.get("MEP_METRICS_TOKEN", "")
# /readyz reports the task queue as "stuck" (status "degraded") when a task has waited longer than this (seconds).
MEP_READY_MAX_TASK_AGE = int(os.environ.get("MEP_READY_MAX_TASK_AGE", "600"))
# Finished task results (database queue) are deleted by the daily housekeeping once they are this many days old.
MEP_TASK_RESULTS_KEEP_DAYS = int(os.environ.get("MEP_TASK_RESULTS_KEEP_DAYS", "14"))
# LOG_FORMAT=json: one JSON object per line; otherwise readable text. LOG_LEVEL: INFO by default.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "portal.operations.requestlog.PersonalDataFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "portal.operations.requestlog.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # requests are logged once, by portal.operations; Django's own request warnings would say it twice
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},  # task lines come from mep.tasks, with the request id
        "axes": {"level": "WARNING"},  # its start-up banner in every manage.py command
    },
}
