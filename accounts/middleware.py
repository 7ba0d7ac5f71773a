import zoneinfo
from functools import cache
from urllib.parse import unquote

from django.utils import timezone

TIMEZONE_COOKIE = "hindsight_tz"


@cache
def known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone_from_cookie(value: str) -> zoneinfo.ZoneInfo | None:
    """The zone a cookie names: "Asia/Tokyo", or "Asia%2FTokyo" as earlier versions of the page script wrote it."""
    name = unquote(value or "")
    return zoneinfo.ZoneInfo(name) if name in known_zones() else None


class UserTimezoneMiddleware:
    """Show times in the browser's time zone (sent by a tiny script as a cookie); UTC until known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = zone_from_cookie(request.COOKIES.get(TIMEZONE_COOKIE, ""))
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        return self.get_response(request)
