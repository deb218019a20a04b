from django import template
from django.conf import settings

from ..models import seats_text, with_seats_text

register = template.Library()

# Settings a legal text may name as {NAME}; the page then always states the configured periods.
PRIVACY_PERIODS = ("MEP_WORKSHOP_ERASURE_DAYS", "MEP_WORKSHOP_INACTIVE_ERASURE_DAYS")


@register.filter
def seats(n) -> str:
    """{{ 3|seats }} → "3 Plätze"."""
    return seats_text(int(n or 0))


@register.filter
def with_seats(n) -> str:
    """{{ 3|with_seats }} → "mit 3 Plätzen" (the dative after "mit")."""
    return with_seats_text(int(n or 0))


@register.filter(is_safe=True)
def privacy_periods(html):
    """Put the configured erasure days in for {MEP_WORKSHOP_ERASURE_DAYS} and friends; only whole numbers go in."""
    html = str(html)  # safe in, safe out (is_safe): numbers add no markup
    for name in PRIVACY_PERIODS:
        html = html.replace("{%s}" % name, str(int(getattr(settings, name))))
    return html


@register.simple_tag
def privacy_url() -> str:
    """The privacy statement in the active language (its German page where it is not translated)."""
    from portal.plan.models import LegalPage

    page = LegalPage.objects.live().filter(slug="datenschutz", locale__language_code=settings.LANGUAGE_CODE).first()
    return page.localized.url if page else "/datenschutz/"


@register.simple_tag
def setting_days(name: str) -> int:
    """{% setting_days "MEP_WORKSHOP_INACTIVE_ERASURE_DAYS" %}: one of the erasure periods, as a number."""
    if name not in PRIVACY_PERIODS:
        raise template.TemplateSyntaxError(f"{name} is not an erasure period")
    return int(getattr(settings, name))


#: A page that names this is about the Medienstudio and shows its next workshop dates.
MEDIENSTUDIO = "Medienstudio"


def mentions_medienstudio(page) -> bool:
    """Whether a plan page names the Medienstudio in its title, summary or text (read from the loaded page, no query)."""
    texts = [getattr(page, "title", ""), getattr(page, "summary", ""), getattr(page, "provider", "")]
    body = getattr(page, "body", None)
    if body is not None:
        texts.append(str(getattr(body, "raw_data", body)))
    return any(MEDIENSTUDIO in str(text or "") for text in texts)


@register.inclusion_tag("workshops/includes/upcoming_for_page.html")
def upcoming_workshops(page, limit: int = 3):
    """The next dates of the Medienstudio's workshops, with a link to all of them, on pages that mention it."""
    from ..models import WorkshopSession

    if not mentions_medienstudio(page):
        return {"sessions": None}
    sessions = list(WorkshopSession.objects.upcoming().select_related("workshop").order_by("start", "pk")[:limit])
    return {"sessions": sessions}
