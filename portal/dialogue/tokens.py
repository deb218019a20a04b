"""Signed links for one comment: confirming its e-mail address and withdrawing it.

The signature makes a link impossible to guess; the nonce stored with the comment makes it
refuse to work once the comment is withdrawn. The confirmation link ends after
MEP_DIALOGUE_CONFIRM_HOURS (checked in services.confirm); the withdraw link has no end.
"""

from __future__ import annotations

from django.core import signing

CONFIRM_SALT = "portal.dialogue.confirm"
WITHDRAW_SALT = "portal.dialogue.withdraw"


def confirm_token(comment) -> str:
    return signing.dumps({"c": comment.pk, "n": comment.token_nonce}, salt=CONFIRM_SALT, compress=True)


def withdraw_token(comment) -> str:
    return signing.dumps({"c": comment.pk, "n": comment.token_nonce}, salt=WITHDRAW_SALT, compress=True)


def read_confirm_token(token: str) -> tuple[int, str] | None:
    return _read(token, CONFIRM_SALT)


def read_withdraw_token(token: str) -> tuple[int, str] | None:
    return _read(token, WITHDRAW_SALT)


def _read(token: str, salt: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=salt)
        return int(data["c"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
