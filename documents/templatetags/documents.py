import math

from django import template

register = template.Library()


@register.filter
def duration(value):
    """A timedelta as people say it, rounded to its last unit: '10 min', '4 h 2 min', '3 d 4 h'; None: '—'."""
    if value is None:
        return "—"
    total = value.total_seconds()
    sign = "-" if total < 0 else ""
    seconds = _round_half_up(abs(total))
    if seconds < 60:
        return f"{sign}{seconds} s"
    minutes = _round_half_up(abs(total) / 60)
    if minutes < 24 * 60:
        hours, minutes = divmod(minutes, 60)
        if not hours:
            return f"{sign}{minutes} min"
        return f"{sign}{hours} h {minutes} min" if minutes else f"{sign}{hours} h"
    days, hours = divmod(_round_half_up(abs(total) / 3600), 24)
    return f"{sign}{days} d {hours} h" if hours else f"{sign}{days} d"


def _round_half_up(amount: float) -> int:
    """Round to the nearest whole unit, halves up (Python's round() sends 0.5 to the even neighbour)."""
    return math.floor(amount + 0.5)
