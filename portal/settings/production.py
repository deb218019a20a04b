"""Production: PostgreSQL (DATABASE_URL), gunicorn, SMTP; the site search on Elasticsearch when ELASTICSEARCH_URL is set (base.py)."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"Die Umgebungsvariable {name} muss gesetzt sein.")
    return value


DEBUG = False
SECRET_KEY = _required("SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() == "true"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preload lists are hard to leave again: only on request (the domain must be ready for it).
SECURE_HSTS_PRELOAD = os.environ.get("SECURE_HSTS_PRELOAD", "false").lower() == "true"
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "no preload" is the decision above, not an oversight
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "true").lower() == "true"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Go-live operations (issue 8): shared caches and the public address ---
# Every gunicorn worker and the task worker must see the same page-cache generation and the same
# booking counters: Redis when REDIS_URL is set, otherwise two tables in the database, which
# `manage.py migrate` creates first (portal/plan/cache_tables.py). A per-process cache is refused
# (system check workshops.E001).
MEP_SHARED_CACHE_REQUIRED = os.environ.get("MEP_SHARED_CACHE_REQUIRED", "true").lower() == "true"
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "mep-pages",
        },
    }
else:
    CACHES = {
        # booking counters: room enough that a flood of addresses cannot cull the e-mail and school counters
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "mep_cache",
            "OPTIONS": {"MAX_ENTRIES": 50000},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "mep_page_cache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }


def _public_base_url() -> str:
    """The https address schools reach the portal at; every link in an e-mail starts with it."""
    for name in ("MEP_PUBLIC_BASE_URL", "WAGTAILADMIN_BASE_URL"):
        value = os.environ.get(name, "").strip()
        if value and not (value.startswith("https://") and len(value) > len("https://")):
            raise ImproperlyConfigured(
                f"{name} muss mit https:// beginnen (jetzt: {value!r}): Links in E-Mails müssen auf die "
                "öffentliche, verschlüsselte Adresse des Portals zeigen, z. B. https://mep.example.org."
            )
    value = os.environ.get("MEP_PUBLIC_BASE_URL", "").strip() or os.environ.get("WAGTAILADMIN_BASE_URL", "").strip()
    if not value:
        raise ImproperlyConfigured(
            "Die öffentliche Adresse des Portals fehlt: Setzen Sie MEP_PUBLIC_BASE_URL (oder WAGTAILADMIN_BASE_URL) "
            "auf die https-Adresse, unter der Schulen das Portal erreichen, z. B. https://mep.example.org. "
            "Sonst zeigen die Links in den E-Mails auf http://127.0.0.1:8000."
        )
    return value.rstrip("/")


MEP_PUBLIC_BASE_URL = _public_base_url()
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "").strip().rstrip("/") or MEP_PUBLIC_BASE_URL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Persistent database connections: gunicorn's sync workers otherwise open a new connection for
# every request, which on PostgreSQL costs more than serving a whole page from the cache
# (bench/pages.py: cached pages 7 % of /healthz with 0, over 60 % with 60). Checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
