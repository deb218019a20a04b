"""The admin door and the response headers: the client's address, Content-Security-Policy, Permissions-Policy."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.shortcuts import render

ADMIN_PREFIX = "/admin/"


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind MEP_TRUSTED_PROXY_COUNT proxies the
    X-Forwarded-For entry the outermost trusted proxy appended (the right-most untrusted).

    Entries left of it are the client's to choose and are never used.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.MEP_TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(forwarded) < hops:
        return remote  # not sent through all the proxies we trust: their address is all we know
    return forwarded[-hops]


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
