"""Which e-mail addresses may book for a school: its domain list, if staff set one (exact domains, no subdomains).

Exact matching is deliberate: listing ``bochum.de`` must not admit every
``anything.bochum.de`` host, so a subdomain is entered as a line of its own.
Domains compare case-insensitively and in their IDNA (ASCII) form.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator
from django.utils.translation import gettext as _


def normalise_domain(domain: str) -> str:
    domain = domain.strip().strip(".").lower()
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def parse_domains(text: str) -> tuple[list[str], list[str]]:
    """(valid domains, normalised and without duplicates; invalid entries as typed) from lines or commas."""
    valid, invalid = [], []
    validate = DomainNameValidator(accept_idna=True)
    for entry in re.split(r"[\s,;]+", text or ""):
        entry = entry.strip().lstrip("@")
        if not entry:
            continue
        domain = normalise_domain(entry)
        try:
            validate(domain)
        except ValidationError:
            invalid.append(entry)
            continue
        if "." in domain and domain not in valid:
            valid.append(domain)
        elif "." not in domain:
            invalid.append(entry)
    return valid, invalid


def allowed_domains(school_id: str) -> list[str]:
    """The school's domain list; empty when staff set none (then any address may book)."""
    from .models import SchoolEmailDomains

    entry = SchoolEmailDomains.objects.filter(school_id=school_id).first()
    return entry.domain_list() if entry else []


def address_allowed(email: str, domains: list[str]) -> bool:
    if not domains:
        return True
    return normalise_domain(email.rpartition("@")[2]) in domains


def domain_message(domains: list[str]) -> str:
    """The refusal at the e-mail field, naming the domains the school's list allows."""
    either = _("oder")  # outside the f-string, where makemessages finds it
    listed = f" {either} ".join(f"@{domain}" for domain in domains)
    return _(
        "Für diese Schule nehmen wir nur E-Mail-Adressen mit %(domains)s an. Bitte nutzen Sie Ihre dienstliche Adresse."
    ) % {"domains": listed}
