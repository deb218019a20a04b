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
    return signing.dumps({"b": booking.pk, "n": booking.token_nonce}, salt=CANCEL_SALT, compress=True)


def read_cancel_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=CANCEL_SALT)
        return int(data["b"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def receipt_token(booking) -> str:
    return signing.dumps({"b": booking.pk, "n": booking.token_nonce}, salt=RECEIPT_SALT, compress=True)


def read_receipt_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
        return int(data["b"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def confirm_token(booking) -> str:
    return signing.dumps({"b": booking.pk, "n": booking.token_nonce}, salt=CONFIRM_SALT, compress=True)


def read_confirm_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT)
        return int(data["b"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
