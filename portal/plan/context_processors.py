"""Navigation shared by every page: main menu, legal links, translations of the current page."""

from wagtail.models import Locale, Page, Site

from . import navigation as page_tree
from .models import EasyLanguagePage, LegalPage


def navigation(request):
    """Menu and footer links from the page tree read once per request (portal/plan/navigation.py)."""
    site = Site.find_for_request(request)
    if site is None:
        return {}
    structure = page_tree.for_request(request)
    root = structure.node(site.root_page)
    if root is None:  # a site root the kept tree does not know yet: read as before
        return _from_database(site, request)
    german_root, root = root, structure.localized(root)
    children = [c for c in _menu_children(structure, german_root, root) if c.live and structure.is_public(c)]
    easy = next(
        (c for c in structure.children(german_root) if isinstance(c, EasyLanguagePage) and c.live and structure.is_public(c)),
        None,
    )
    return {
        # Leichte Sprache is German only: every language links to the German page.
        "easy_language_url": easy.get_url(request) if easy is not None else "",
        "site_root": root,
        # The menu's pages come from the tree of the reader's language, or the German one where it has none yet.
        "nav_language": root.locale.language_code,
        "nav_pages": [c for c in children if c.show_in_menus],
        "legal_pages": [c for c in children if isinstance(c, LegalPage)],
    }


def _menu_children(structure, german_root, root) -> list:
    """The start page's children in the reader's language, and in German where a page has no translation yet.

    A language with only a few pages (Turkish, Ukrainian, Arabic) still leads to the plan and the
    legal pages, in German (the templates mark them ``lang="de"``).
    """
    own = structure.children(root)
    if root is german_root:
        return own
    by_key = {child.translation_key: child for child in own}
    merged = [by_key.pop(child.translation_key, child) for child in structure.children(german_root)]
    return merged + list(by_key.values())


def _from_database(site, request=None):
    root = site.root_page
    easy = EasyLanguagePage.objects.child_of(root).live().public().first()
    try:
        root = root.get_translation(Locale.get_active())
    except (Page.DoesNotExist, Locale.DoesNotExist):
        pass
    children = root.get_children().live().public()
    return {
        "easy_language_url": easy.get_url(request) if easy is not None else "",
        "site_root": root,
        # The menu's pages come from the tree of the reader's language, or the German one where it has none yet.
        "nav_language": root.locale.language_code,
        "nav_pages": children.in_menu(),
        "legal_pages": children.type(LegalPage),
    }


def site_identity(request):
    """``identity``: who runs the portal (name, city, Medienzentrum, theme), from the content pack."""
    from .identity import site_identity as current

    return {"identity": current()}
