"""Downloads of the plan as PDF: the current edition of the plan or a chapter, and the council's frozen editions."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from wagtail.models import Page

from . import pdf
from .editions import CouncilEdition
from .models import ChapterPage, PlanPage


def _pdf_response(file, name: str, etag: str):
    response = FileResponse(file.open("rb"), content_type="application/pdf", as_attachment=False, filename=name)
    response["ETag"] = f'"{etag}"'
    return response


@require_safe
def page_pdf(request, page_id: int):
    """The PDF of a live plan or chapter as it is now (built here if the background task has not yet built it)."""
    page = get_object_or_404(Page.objects.live().public(), pk=page_id).specific
    if not isinstance(page, PlanPage | ChapterPage):
        raise Http404
    stored = pdf.for_download(page)
    response = _pdf_response(stored.file, pdf.file_name(page), stored.content_hash)
    patch_cache_control(response, public=True, max_age=60)
    return response


@require_safe
def council_edition_pdf(request, pk: int):
    """A frozen council edition: the same file for ever."""
    edition = get_object_or_404(CouncilEdition, pk=pk)
    response = _pdf_response(edition.file, f"beschlussfassung-{edition.decided_on:%Y-%m-%d}.pdf", edition.content_hash)
    patch_cache_control(response, public=True, max_age=86400)
    return response
