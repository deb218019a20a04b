"""Signed links for one booking: confirming it and cancelling it (from the emails), seeing its receipt (after the form).

The signature makes a link impossible to guess; the nonce stored with the
booking and the booking's state make it work once: a cancelled booking, or one
whose personal data is erased, refuses its link. Both email links end when the
date begins (checked where they are followed, in views.py).
"""

from __future__ import annotations

from django.core import signing

CANCEL_SALT = "portal.workshops.cancel"
CONFIRM_SALT = "portal.workshops.confirm"
RECEIPT_SALT = "portal.workshops.receipt"
RECEIPT_MAX_AGE = 60 * 60  # the page after the form; the email stays the record


def cancel_token(booking) -> str:
    return _make(booking, CANCEL_SALT)


def read_cancel_token(token: str) -> tuple[int, str] | None:
    return _read(token, CANCEL_SALT)


def receipt_token(booking) -> str:
    return _make(booking, RECEIPT_SALT)


def read_receipt_token(token: str) -> tuple[int, str] | None:
    return _read(token, RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)


def confirm_token(booking) -> str:
    return _make(booking, CONFIRM_SALT)


def read_confirm_token(token: str) -> tuple[int, str] | None:
    return _read(token, CONFIRM_SALT)


def _make(booking, salt: str) -> str:
    return signing.dumps({"b": booking.pk, "n": booking.token_nonce}, salt=salt, compress=True)


def _read(token: str, salt: str, max_age: int | None = None) -> tuple[int, str] | None:
    """The booking's id and nonce from a link, or None when it is forged, of another kind or (with ``max_age``) too old."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
        return int(data["b"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
