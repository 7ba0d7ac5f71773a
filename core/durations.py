"""Durations as people say them: '10 min', '4 h 2 min', '3 d 4 h' — one formatter for pages and messages."""

import math
from datetime import timedelta


def format_duration(value: timedelta | None, *, days: bool = True, empty: str = "—") -> str:
    """Rounded to the last unit shown (halves up): seconds under a minute, minutes under a day, then days and
    hours — or, with `days=False`, hours however many there are ("resolved after 26 h 5 min")."""
    if value is None:
        return empty
    total = value.total_seconds()
    sign = "-" if total < 0 else ""
    seconds = _round_half_up(abs(total))
    if seconds < 60:
        return f"{sign}{seconds} s"
    minutes = _round_half_up(abs(total) / 60)
    if minutes < 24 * 60 or not days:
        hours, minutes = divmod(minutes, 60)
        if not hours:
            return f"{sign}{minutes} min"
        return f"{sign}{hours} h {minutes} min" if minutes else f"{sign}{hours} h"
    whole_days, hours = divmod(_round_half_up(abs(total) / 3600), 24)
    return f"{sign}{whole_days} d {hours} h" if hours else f"{sign}{whole_days} d"


def _round_half_up(amount: float) -> int:
    """Round to the nearest whole unit, halves up (Python's round() sends 0.5 to the even neighbour)."""
    return math.floor(amount + 0.5)
