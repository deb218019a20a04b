"""Limits on comments: per client address and per e-mail address, counted in the shared cache like the booking limits."""

from __future__ import annotations

from django.conf import settings

from portal.workshops.ratelimit import client_address, count_attempt, digest

KEY_PREFIX = "dialogue:comment-attempts"


def allow_comment_attempt(request) -> bool:
    """Count one attempt (valid or not) for the caller's address; False once the limit of the window is reached."""
    return count_attempt(
        f"{KEY_PREFIX}:address:{client_address(request)}", settings.MEP_DIALOGUE_RATE_LIMIT, settings.MEP_DIALOGUE_RATE_WINDOW
    )


def allow_comment_for(email: str) -> bool:
    """Count one valid comment for the e-mail address (case-insensitive; the key holds a digest, not the address)."""
    return count_attempt(
        f"{KEY_PREFIX}:email:{digest(email.strip().casefold())}", settings.MEP_DIALOGUE_EMAIL_RATE_LIMIT, settings.MEP_DIALOGUE_RATE_WINDOW
    )
