"""The dialogue's daily upkeep: delete comments never confirmed, erase e-mail addresses that are due, send the moderators' digest.

Each step runs on its own, so a failing mail server never keeps an address past its erasure date.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from . import services
from .emails import send_moderation_digest

logger = logging.getLogger(__name__)

STEPS = (
    ("unconfirmed_deleted", services.delete_unconfirmed),
    ("emails_erased", services.erase_emails),
    ("digest_sent_to", send_moderation_digest),
)


def run(now=None) -> dict:
    """Run every step; returns what each did (``None`` for a step that failed, the error in the log)."""
    done = {}
    for name, step in STEPS:
        try:
            done[name] = step(now=now or timezone.now())
        except Exception:
            logger.exception("Dialog-Datenpflege: Schritt %s fehlgeschlagen", name)
            done[name] = None
    return done
