import zoneinfo

from django.utils import timezone

TIMEZONE_COOKIE = "hindsight_tz"


class UserTimezoneMiddleware:
    """Show times in the browser's time zone (sent by a tiny script as a cookie); UTC until known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = request.COOKIES.get(TIMEZONE_COOKIE, "")
        timezone.deactivate()
        if name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                pass
        return self.get_response(request)
