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
        "nav_pages": children.in_menu(),
        "legal_pages": children.type(LegalPage),
    }

