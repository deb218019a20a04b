from django import template

from ..models import seats_text

register = template.Library()


@register.filter
def seats(n) -> str:
    """{{ 3|seats }} → "3 Plätze"."""
    return seats_text(int(n or 0))
