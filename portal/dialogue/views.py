"""Public pages of the dialogue: the comment form, confirming and withdrawing by link, the overview and its open data.

The chapter itself shows the released comments (templatetags/dialogue_tags.py) and links to the form,
which lives on its own page: a page with a CSRF token is never served from the shared cache, and the
chapters should stay there.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.plan.models import ChapterPage
from portal.spreadsheet import neutralise

from . import services
from .forms import CommentForm
from .models import Comment, Role
from .ratelimit import allow_comment_attempt, allow_comment_for
from .targets import targets
from .templatetags.dialogue_tags import chapter_dialogue_context
from .tokens import read_confirm_token, read_withdraw_token, withdraw_token


def _chapter(page_id: int) -> ChapterPage:
    page = ChapterPage.objects.live().public().filter(pk=page_id).first()
    if page is None:
        raise Http404("Kapitel nicht gefunden")
    return page


def _form_context(page, form, state, **extra) -> dict:
    return {
        "chapter": page,
        "form": form,
        "state": state,
        "max_length": settings.MEP_DIALOGUE_MAX_LENGTH,
        "confirm_hours": settings.MEP_DIALOGUE_CONFIRM_HOURS,
        "erasure_days": settings.MEP_DIALOGUE_ERASURE_DAYS,
        **extra,
    }


@never_cache  # a form with this visitor's CSRF token
@require_http_methods(["GET", "POST"])
def comment_form(request, page_id):
    page = _chapter(page_id)
    state = services.dialogue_state(page, request)
    if not state.is_open:
        return render(request, "dialogue/comment_form.html", _form_context(page, None, state), status=409 if request.method == "POST" else 200)
    choices = targets(page)
    if request.method == "POST":
        if not allow_comment_attempt(request):
            return render(request, "dialogue/too_many_requests.html", {"chapter": page}, status=429)
        form = CommentForm(request.POST, targets=choices)
        if form.is_bot():
            return render(request, "dialogue/refused.html", {"chapter": page}, status=400)
        if form.is_valid():
            data = form.cleaned_data
            if not allow_comment_for(data["email"]):
                return render(request, "dialogue/too_many_requests.html", {"chapter": page}, status=429)
            try:
                services.submit(
                    page,
                    text=data["text"],
                    role=data["role"],
                    email=data["email"],
                    display_name=data["display_name"],
                    anchor=data["anchor"],
                    anchor_label=form.anchor_label,
                    language=translation.get_language() or settings.LANGUAGE_CODE,
                    base_url=request.build_absolute_uri("/"),
                )
            except services.DialogueRefused as refused:
                return render(request, "dialogue/comment_form.html", _form_context(page, None, state, message=refused.message), status=409)
            return redirect(reverse("dialogue:submitted", args=[page.pk]))
    else:
        anchor = request.GET.get("absatz", "")
        form = CommentForm(initial={"anchor": anchor if anchor in dict(choices) else ""}, targets=choices)
    return render(request, "dialogue/comment_form.html", _form_context(page, form, state), status=422 if form.is_bound else 200)


def chapter(request, page_id):
    """The released comments of one chapter on a page of their own (without the script, the chapter links here)."""
    page = _chapter(page_id).specific
    context = chapter_dialogue_context(page, request, link_prefix=page.url)
    return render(request, "dialogue/chapter_dialogue.html", {**context, "chapter": page})


def chapter_fragment(request, page_id):
    """The same list as a piece of HTML that the chapter's script puts in place (cached like any public page)."""
    page = _chapter(page_id).specific
    response = render(request, "dialogue/includes/chapter_dialogue.html", chapter_dialogue_context(page, request))
    response["X-Robots-Tag"] = "noindex"  # search engines index the chapter's own dialogue page
    return response


def submitted(request, page_id):
    """After the form: what happens next. Carries nothing the visitor typed, so any reader may get it from the cache."""
    page = _chapter(page_id)
    return render(request, "dialogue/submitted.html", {"chapter": page, "confirm_hours": settings.MEP_DIALOGUE_CONFIRM_HOURS})


@never_cache  # reached by one visitor's link
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The link in the mail: a page with a button, so that a mail scanner opening links confirms nothing."""
    found = read_confirm_token(token)
    comment = Comment.objects.select_related("page").filter(pk=found[0]).first() if found else None
    if comment is None or not comment.token_nonce or comment.token_nonce != found[1]:
        return render(request, "dialogue/link_invalid.html", {"message": None}, status=404)
    if request.method == "POST":
        try:
            comment = services.confirm(*found)
        except services.DialogueRefused as refused:
            return render(request, "dialogue/link_invalid.html", {"message": refused.message, "chapter": comment.page}, status=410)
        return render(request, "dialogue/confirmed.html", {"comment": comment, "chapter": comment.page.specific, "withdraw_token": withdraw_token(comment)})
    return render(request, "dialogue/confirm.html", {"comment": comment, "chapter": comment.page.specific})


@never_cache  # reached by one visitor's link
@require_http_methods(["GET", "POST"])
def withdraw(request, token):
    found = read_withdraw_token(token)
    comment = Comment.objects.select_related("page").filter(pk=found[0]).first() if found else None
    if comment is None or not comment.token_nonce or comment.token_nonce != found[1]:
        return render(request, "dialogue/link_invalid.html", {"message": None}, status=404 if comment is None else 410)
    if request.method == "POST":
        try:
            services.withdraw(*found)
        except services.DialogueRefused as refused:
            return render(request, "dialogue/link_invalid.html", {"message": refused.message}, status=410)
        return render(request, "dialogue/withdrawn.html", {"chapter": comment.page.specific})
    return render(request, "dialogue/withdraw.html", {"comment": comment, "chapter": comment.page.specific})


OVERVIEW_PAGE_SIZE = 30


def overview(request):
    """The page "Dialog": the latest released comments across the plan, and the counts per chapter and role."""
    comments = (
        Comment.objects.released()
        .filter(page__locale__language_code=translation.get_language() or settings.LANGUAGE_CODE)
        .select_related("page", "cycle")
        .order_by("-moderated_at", "-pk")
    )
    page_obj = Paginator(comments, OVERVIEW_PAGE_SIZE).get_page(request.GET.get("seite"))
    chapters = {p.pk: p for p in ChapterPage.objects.filter(pk__in={c.page_id for c in page_obj}).specific()}
    for comment in page_obj:
        comment.chapter = chapters.get(comment.page_id)
    return render(
        request,
        "dialogue/overview.html",
        {"comments": page_obj, "table": count_table(), "roles": Role.choices},
    )


def count_rows() -> list[dict]:
    """Released comments per cycle, chapter and role (the open data behind the overview's table)."""
    rows = (
        Comment.objects.released()
        .values("cycle__name", "page_id", "role")
        .annotate(comments=Count("id"))
        .order_by("cycle__name", "page_id", "role")
    )
    pages = {p.pk: p for p in ChapterPage.objects.filter(pk__in={r["page_id"] for r in rows}).specific()}
    return [
        {
            "cycle": row["cycle__name"] or "",
            "chapter_number": pages[row["page_id"]].number,
            "chapter": pages[row["page_id"]].title,
            "language": pages[row["page_id"]].locale.language_code,
            "role": row["role"],
            "comments": row["comments"],
        }
        for row in rows
        if row["page_id"] in pages
    ]


def count_table() -> dict:
    """Rows: chapters of the current language; columns: roles; cells: released comments of all cycles."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    table: dict[str, dict] = {}
    for row in count_rows():
        if row["language"] != language:
            continue
        label = f"{row['chapter_number']} {row['chapter']}".strip()
        entry = table.setdefault(label, {"label": label, "by_role": dict.fromkeys(Role.values, 0), "total": 0})
        entry["by_role"][row["role"]] += row["comments"]
        entry["total"] += row["comments"]
    return {"rows": [{**e, "cells": [e["by_role"][r] for r in Role.values]} for e in table.values()]}


FIELDS = ["cycle", "chapter_number", "chapter", "language", "role", "comments"]


def data(request, fmt):
    """Counts of released comments per cycle, chapter and role as CSV (formula-safe) or JSON."""
    rows = count_rows()
    if fmt == "json":
        response = HttpResponse(json.dumps({"fields": FIELDS, "rows": rows}, ensure_ascii=False, indent=1), content_type="application/json")
    else:
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(FIELDS)
        for row in rows:
            writer.writerow([neutralise(row[f]) for f in FIELDS])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="dialog-kommentare.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
