"""The dialogue inside the plan's pages: anchors at paragraphs, the comments under a chapter, counts in the table of contents."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.db.models import Count
from django.template.defaultfilters import linebreaksbr, urlize
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from ..models import Comment
from ..targets import GOAL_BLOCKS, TEXT_BLOCKS, anchor_id, targets

register = template.Library()

# Settings a legal text may name as {NAME}; the page then always states the configured numbers.
PRIVACY_NUMBERS = ("MEP_DIALOGUE_ERASURE_DAYS", "MEP_DIALOGUE_CONFIRM_HOURS")


@register.simple_tag
def dialogue_anchor(block):
    """An empty marker before a paragraph or a goal list: the target of "zu Absatz …" links and of the Kommentieren control."""
    if block.block_type in TEXT_BLOCKS:
        kind = "text"
    elif block.block_type in GOAL_BLOCKS:
        kind = "goals"
    else:
        return ""
    return format_html('<span class="dialogue-anchor" id="absatz-{}" data-dialogue-ref="{}" data-dialogue-kind="{}"></span>', block.id, block.id, kind)


@register.filter
def comment_text(comment) -> str:
    """The comment as text with its line breaks; addresses become links only where a moderator allowed it."""
    if comment.links_allowed:
        return mark_safe(linebreaksbr(urlize(comment.text, autoescape=True), autoescape=False))
    return linebreaksbr(escape(comment.text), autoescape=False)


@register.filter
def answer_text(comment) -> str:
    return linebreaksbr(escape(comment.answer), autoescape=False)


ORDERS = ("neu", "absatz")


def chapter_dialogue_context(page, request, *, link_prefix: str = "") -> dict:
    """The released comments of a chapter with their answers, newest first or by paragraph; the current cycle first.

    Two queries (closures, comments): they run for the dialogue's own addresses, never inside the chapter,
    which stays within its query budget (tests/test_query_budget.py) and loads them with a small script.
    """
    from ..services import dialogue_state

    order = request.GET.get("dialog", "neu") if request is not None else "neu"
    order = order if order in ORDERS else "neu"
    state = dialogue_state(page, request)
    comments = list(Comment.objects.released().filter(page_id=page.pk).select_related("cycle").order_by("-moderated_at", "-pk"))
    labels = dict(targets(page)) if comments else {}
    if order == "absatz":
        position = {anchor: i for i, anchor in enumerate(labels)}
        comments.sort(key=lambda c: position.get(c.anchor, len(position)))
    current = state.cycle.pk if state.cycle else None
    groups: dict = {}
    for comment in comments:
        target = anchor_id(comment.anchor) if comment.anchor in labels else ""
        groups.setdefault(comment.cycle_id, {"cycle": comment.cycle, "current": comment.cycle_id == current, "comments": []})["comments"].append(
            {"comment": comment, "label": labels.get(comment.anchor) or comment.anchor_label, "target": f"{link_prefix}#{target}" if target else ""}
        )
    ordered = sorted(groups.values(), key=lambda g: (not g["current"], -(g["cycle"].start_year if g["cycle"] else 0)))
    return {
        "page": page,
        "state": state,
        "groups": ordered,
        "count": len(comments),
        "order": order,
        "form_url": reverse("dialogue:comment", args=[page.pk]),
    }


@register.inclusion_tag("dialogue/includes/chapter_placeholder.html")
def chapter_dialogue(page):
    """The dialogue's place under a chapter, without a query: a link to the chapter's comments, which the script loads in place."""
    return {
        "page": page,
        "dialogue_url": reverse("dialogue:chapter", args=[page.pk]),
        "fragment_url": reverse("dialogue:chapter_fragment", args=[page.pk]),
        "form_url": reverse("dialogue:comment", args=[page.pk]),
    }


def _released_counts(request) -> dict[int, int]:
    counts = getattr(request, "_dialogue_counts", None) if request is not None else None
    if counts is None:
        counts = dict(Comment.objects.released().values_list("page_id").annotate(n=Count("id")).values_list("page_id", "n"))
        if request is not None:
            request._dialogue_counts = counts
    return counts


@register.simple_tag(takes_context=True)
def dialogue_count(context, page) -> str:
    """ "(3 Kommentare)" after a chapter in the table of contents; nothing without released comments. One query per request."""
    from django.utils.translation import ngettext

    n = _released_counts(context.get("request")).get(page.pk, 0)
    if not n:
        return ""
    return format_html(' <span class="dialogue-count">({})</span>', ngettext("%(n)d Kommentar", "%(n)d Kommentare", n) % {"n": n})


@register.filter(is_safe=True)
def dialogue_numbers(html):
    """Put the configured numbers in for {MEP_DIALOGUE_ERASURE_DAYS} and {MEP_DIALOGUE_CONFIRM_HOURS}; only whole numbers go in."""
    html = str(html)
    for name in PRIVACY_NUMBERS:
        html = html.replace("{%s}" % name, str(int(getattr(settings, name))))
    return html
