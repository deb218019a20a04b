"""Breadcrumbs and translations of a page from the page tree read once per request (portal/plan/navigation.py)."""

from django import template
from wagtail.models import Page

from portal.plan import navigation

register = template.Library()


def _tree(context, page):
    request = context.get("request")
    structure = navigation.for_request(request) if request is not None else navigation.load()
    node = structure.node(page)
    if node is None:
        structure, node = navigation.of_page(page)
    return structure, node


@register.simple_tag(takes_context=True)
def page_ancestors(context, page):
    """``page.get_ancestors()``: the pages above ``page``, from the root."""
    if not isinstance(page, Page):
        return []
    structure, node = _tree(context, page)
    if node is None:
        return page.get_ancestors()
    return structure.ancestors(node)


@register.simple_tag(takes_context=True)
def live_translations(context, page):
    """``page.get_translations().live()``: the page in the other languages, each with its locale."""
    if not isinstance(page, Page):
        return []
    structure, node = _tree(context, page)
    if node is None:
        return page.get_translations().live().select_related("locale")
    return [t for t in structure.translations(node) if t.live]


@register.simple_tag(takes_context=True)
def localized_page(context, page):
    """``page.localized`` (its live translation in the active language, else ``page``) from the page tree.

    Wagtail's property looks the active locale up in the database every time:
    one query for each chosen link of the start page.
    """
    if not isinstance(page, Page):
        return page
    structure, node = _tree(context, page)
    if node is None:
        return page.localized
    translated = structure.localized(node)
    return translated if translated.pk == node.pk or translated.live else node


@register.simple_tag(takes_context=True)
def nav_current(context, item) -> str:
    """The ``aria-current`` of a menu item: "page" on the item's own page, "true" below it, "" elsewhere.

    Menu items are siblings, so at most one of them contains a page: its tree path is a prefix of the page's.
    """
    page = context.get("page")
    if not isinstance(page, Page) or not getattr(item, "path", ""):
        return ""
    if page.pk == item.pk:
        return "page"
    return "true" if page.path.startswith(item.path) else ""


@register.simple_tag(takes_context=True)
def print_plan(context):
    """The plan a printout names in its header: the page's own plan (a chapter's, the start page's),
    else the plan in the menu of the reader's language; None where there is none. No query of its own:
    a chapter finds its plan in the page tree, the menu's pages come from it too."""
    from portal.plan.models import ChapterPage, PlanPage

    page = context.get("page")
    if isinstance(page, PlanPage):
        return page
    if isinstance(page, ChapterPage):
        return page.plan
    plan = context.get("plan")
    if isinstance(plan, PlanPage):
        return plan
    return next((p for p in context.get("nav_pages") or () if isinstance(p, PlanPage) and p.live), None)
