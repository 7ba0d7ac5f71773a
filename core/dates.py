"""The window of dates a person or an API may enter: 1 January 1970 to ten years from now.

Outside it, converting between time zones or stepping a day back can leave Python's years 1–9999 (a 500); inside
it, every computation the site makes (a day before, the end of a day, any zone from UTC−12 to UTC+14) is safe.
"""

from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
YEARS_AHEAD = 10


def latest_allowed() -> datetime:
    return timezone.now() + timedelta(days=365 * YEARS_AHEAD + YEARS_AHEAD // 4)


def validate_in_date_window(value: date | datetime) -> None:
    """Refuse a date or date-time outside the window, with a message saying what the window is."""
    latest = latest_allowed()
    if isinstance(value, datetime):
        outside = value < EARLIEST if timezone.is_aware(value) else value < EARLIEST.replace(tzinfo=None)
        outside = outside or (
            value > latest if timezone.is_aware(value) else value > latest.replace(tzinfo=None)
        )
    else:
        outside = not EARLIEST.date() <= value <= latest.date()
    if outside:
        raise ValidationError(
            "Enter a date between 1 January 1970 and %(latest)s.",
            code="date_out_of_window",
            params={"latest": f"{latest.day} {latest:%B %Y}"},
        )
