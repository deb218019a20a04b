"""Navigation shared by every page: main menu, legal links, translations of the current page."""

from wagtail.models import Locale, Page, Site

from .models import LegalPage


def navigation(request):
    site = Site.find_for_request(request)
    if site is None:
        return {}
    root = site.root_page
    try:
        root = root.get_translation(Locale.get_active())
    except (Page.DoesNotExist, Locale.DoesNotExist):
        pass
    children = root.get_children().live().public()
    return {
        "site_root": root,
        # The menu's pages come from the tree of the reader's language, or the German one where it has none yet.
        "nav_language": root.locale.language_code,
        "nav_pages": children.in_menu(),
        "legal_pages": children.type(LegalPage),
    }

