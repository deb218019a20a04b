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
    german = [c for c in structure.children(root) if c.live and structure.is_public(c)]
    root = structure.localized(root)
    children = [c for c in structure.children(root) if c.live and structure.is_public(c)]
    easy = next((c for c in german if isinstance(c, EasyLanguagePage)), None)
    return {
        # Leichte Sprache is German only: every language links to the German page.
        "easy_language_url": easy.get_url(request) if easy is not None else "",
        "site_root": root,
        # The menu's pages come from the tree of the reader's language, or the German one where it has none yet.
        "nav_language": root.locale.language_code,
        "nav_pages": [c for c in children if c.show_in_menus],
        "legal_pages": [c for c in children if isinstance(c, LegalPage)],
    }


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
