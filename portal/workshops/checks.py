"""System checks for running behind reverse proxies with several workers: shared counters, a readable client address."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.translation import gettext as _

PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches)
def shared_cache_for_counters(app_configs, **kwargs):
    """With MEP_SHARED_CACHE_REQUIRED, booking counters ("default") and the page cache ("pages") must be shared."""
    if not getattr(settings, "MEP_SHARED_CACHE_REQUIRED", False):
        return []
    errors = []
    for alias in ("default", "pages"):
        backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
        if backend in PROCESS_LOCAL_CACHES:
            errors.append(
                Error(
                    _(
                        "Der Cache „%(alias)s“ (%(backend)s) gilt nur innerhalb eines Prozesses: jeder Worker "
                        "zählte Buchungsversuche für sich und zeigte nach dem Wechsel des Zyklus alte Seiten."
                    )
                    % {"alias": alias, "backend": backend},
                    hint=_(
                        "Ein gemeinsamer Cache ist nötig: Setzen Sie REDIS_URL (z. B. redis://127.0.0.1:6379/0) oder "
                        "verwenden Sie den Datenbank-Cache der Produktionseinstellungen (legt „manage.py migrate“ an)."
                    ),
                    id="workshops.E001",
                )
            )
    return errors


@register()
def client_address_settings(app_configs, **kwargs):
    """MEP_CLIENT_IP_HEADER means nothing without trusted proxies; say so rather than count every visitor as one."""
    hops = getattr(settings, "MEP_TRUSTED_PROXY_COUNT", 0)
    header = getattr(settings, "MEP_CLIENT_IP_HEADER", "HTTP_X_FORWARDED_FOR")
    if hops < 0:
        return [
            Error(
                _("MEP_TRUSTED_PROXY_COUNT ist %(hops)s; erlaubt sind 0 (kein Proxy) oder die Zahl der Proxys.")
                % {"hops": hops},
                id="workshops.E002",
            )
        ]
    if hops == 0 and header != "HTTP_X_FORWARDED_FOR":
        return [
            Error(
                _(
                    "MEP_CLIENT_IP_HEADER ist %(header)s, wird aber nur gelesen, wenn MEP_TRUSTED_PROXY_COUNT "
                    "mindestens 1 ist; so zählten alle Besucher hinter dem Proxy als eine Adresse."
                )
                % {"header": header},
                hint=_(
                    "Setzen Sie MEP_TRUSTED_PROXY_COUNT auf die Zahl der Reverse-Proxys vor dem Portal "
                    "(meist 1), oder entfernen Sie MEP_CLIENT_IP_HEADER."
                ),
                id="workshops.E003",
            )
        ]
    return []
