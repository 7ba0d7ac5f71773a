from datetime import timedelta

from django import template

from core.durations import format_duration

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """A timedelta as people say it: '10 min', '4 h 2 min', '3 d 4 h'; None: '—'."""
    return format_duration(value)
