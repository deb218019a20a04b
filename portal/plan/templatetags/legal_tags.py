from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from portal.plan import legal

register = template.Library()


@register.filter
def operator_todos(html):
    """Placeholders the operator still has to fill in, shown as a notice (see portal/plan/legal.py)."""
    return legal.mark_placeholders(html)


@register.filter
def synthetic_figures(html):
    """{ABBILDUNGEN_MIT_BEISPIELDATEN} → which published figures rest on demo data right now."""
    html = str(html)
    if legal.SYNTHETIC_TOKEN in html:
        html = html.replace(legal.SYNTHETIC_TOKEN, legal.synthetic_figures_sentence(get_language() or "de"))
    return mark_safe(html)
