"""Limits on booking attempts: per client address, per e-mail address and per school, counted in the shared cache."""

from __future__ import annotations

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache

from portal.security import client_ip

KEY_PREFIX = "workshops:booking-attempts"


def client_address(request) -> str:
    """The address an attempt is counted for (see ``portal.security.client_ip``); IPv6 clients count per /64,
    the smallest net a provider hands out."""
    address = client_ip(request)
    if not address:
        return "unknown"
    ip = ipaddress.ip_address(address)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else address


def allow_booking_attempt(request) -> bool:
    """Count one attempt for the caller's address; False once the limit for the window is reached."""
    return _count(f"address:{client_address(request)}", settings.MEP_BOOKING_RATE_LIMIT)


def allow_booking_for(email: str, school_id: str) -> bool:
    """Count one validated attempt for the e-mail address (case-insensitive) and for the school.

    Both counters go up, so that an attempt refused for one still counts for the other.
    Keys hold a digest, not the address: the cache may be a database table.
    """
    email_ok = _count(f"email:{digest(email.strip().casefold())}", settings.MEP_BOOKING_EMAIL_RATE_LIMIT)
    school_ok = _count(f"school:{digest(str(school_id).strip())}", settings.MEP_BOOKING_SCHOOL_RATE_LIMIT)
    return email_ok and school_ok


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _count(name: str, limit: int) -> bool:
    return count_attempt(f"{KEY_PREFIX}:{name}", limit, settings.MEP_BOOKING_RATE_WINDOW)


def count_attempt(key: str, limit: int, window: int) -> bool:
    """Count one attempt under ``key`` for ``window`` seconds; False once more than ``limit`` were counted.

    Shared with the dialogue's comment limits (portal/dialogue/ratelimit.py).
    """
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= limit
