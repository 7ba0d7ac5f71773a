from django import template

from insights.metrics import quarter_label

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ counts|get_item:quarter }}`: a dict lookup by a variable key (None when absent)."""
    return mapping.get(key) if mapping else None


@register.filter
def quarter(moment):
    """A quarter's start as "2026 Q3"."""
    return quarter_label(moment)
