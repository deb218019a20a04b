"""/readyz for load balancers and monitoring; /metrics for Prometheus, for configured addresses or a token."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from portal.security import client_ip

from .health import readiness
from .metrics import exposition


@never_cache
def readyz(request):
    ready, report = readiness()
    return JsonResponse(report, status=200 if ready else 503, json_dumps_params={"ensure_ascii": False})


def _allowed(request) -> bool:
    token = settings.MEP_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    for allowed in settings.MEP_METRICS_ALLOWED_IPS:
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


@never_cache
def metrics(request):
    if not _allowed(request):
        return HttpResponse(
            "Kein Zugriff: Die Metriken sind nur für freigegebene Adressen (MEP_METRICS_ALLOWED_IPS) oder mit "
            "Token (MEP_METRICS_TOKEN) abrufbar.\n",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    from prometheus_client import CONTENT_TYPE_LATEST

    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
