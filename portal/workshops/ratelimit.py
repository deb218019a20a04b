"""A per-address limit on booking attempts, counted in Django's cache (Redis in production, memory in tests)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """REMOTE_ADDR, or the header a trusted reverse proxy sets (MEP_CLIENT_IP_HEADER, e.g. HTTP_X_REAL_IP).

    Never a header the client could set itself: behind a proxy REMOTE_ADDR is the
    proxy, so production names the header its proxy overwrites.
    """
    header = getattr(settings, "MEP_CLIENT_IP_HEADER", "")
    address = request.META.get(header, "") if header else ""
    return address.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "unknown")


def allow_booking_attempt(request) -> bool:
    """Count one attempt for the caller's address; False once the limit for the window is reached."""
    limit = getattr(settings, "MEP_BOOKING_RATE_LIMIT", 20)
    window = getattr(settings, "MEP_BOOKING_RATE_WINDOW", 60 * 60)
    key = f"workshops:booking-attempts:{client_address(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= limit
