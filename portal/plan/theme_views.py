"""The content pack's theme: its colours as a small stylesheet, its logo and favicon.

Served by the portal itself (strict CSP: no inline styles); ``base.html`` links
them after ``mep.css``. Only the files the pack's ``site.yaml`` names are served.
"""

from __future__ import annotations

import mimetypes

from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.http import require_GET

from .identity import site_identity

#: the theme is part of a deployment: a browser may keep it for a day
MAX_AGE = 86400


@require_GET
def theme_css(request):
    response = HttpResponse(site_identity("de").theme.css(), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def _file(path):
    if path is None or not path.is_file():
        raise Http404("Das Inhaltspaket nennt diese Datei nicht.")
    content_type = "image/svg+xml" if path.suffix == ".svg" else (mimetypes.guess_type(path.name)[0] or "application/octet-stream")
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


@require_GET
def theme_logo(request):
    return _file(site_identity("de").theme.logo)


@require_GET
def theme_favicon(request):
    return _file(site_identity("de").theme.favicon)
