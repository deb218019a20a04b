"""The admin door and the response headers: the client's address, Content-Security-Policy, Permissions-Policy."""

from __future__ import annotations

import ipaddress

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.shortcuts import render

ADMIN_PREFIX = "/admin/"


def client_ip(request) -> str:
    """The client's address as far as the trusted reverse proxies vouch for it ("" if none is known).

    With MEP_TRUSTED_PROXY_COUNT = n each of the n proxies appends its peer's address to
    MEP_CLIENT_IP_HEADER, so the n-th entry from the right is the right-most one no client
    could write. A shorter header or an entry that is no address means the request did not
    come through those proxies: then REMOTE_ADDR counts, never a value the client chose.
    Login throttling (django-axes) and the booking rate limit both count this address.
    """
    hops = settings.MEP_TRUSTED_PROXY_COUNT
    if hops > 0:
        entries = request.META.get(settings.MEP_CLIENT_IP_HEADER, "").split(",")
        if len(entries) >= hops:
            address = _canonical(entries[-hops].strip())
            if address:
                return address
    return _canonical(request.META.get("REMOTE_ADDR", ""))


def _canonical(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ip)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the documented, relaxed policy for the Wagtail admin."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path_info.startswith(ADMIN_PREFIX):
            parts.config = settings.MEP_ADMIN_CONTENT_SECURITY_POLICY
        return parts


class PermissionsPolicyMiddleware:
    """Switches off browser features the portal never uses (camera, microphone, location, ...)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: a German page, status 429."""
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": settings.MEP_LOGIN_COOLOFF_MINUTES}
    return render(request, "security/locked_out.html", context, status=429)
