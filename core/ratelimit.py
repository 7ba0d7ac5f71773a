"""Per-person rate limits kept in Django's cache (fixed one-minute windows): cheap, shared by every node that
shares the cache, and forgiving — a window's count simply expires."""

import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse

WINDOW_SECONDS = 60


def within_rate(*, scope: str, who: str, per_minute: int) -> bool:
    """Count one more request by `who` against `scope`; False once the minute's allowance is spent."""
    window = int(time.time() // WINDOW_SECONDS)
    key = f"rate:{scope}:{who}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add() and incr()
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    return count <= per_minute


def rate_limited(scope: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Answer 429 (JSON naming the limit) once a person has used HINDSIGHT_PREVIEW_RATE_PER_MINUTE this minute."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            per_minute = settings.HINDSIGHT_PREVIEW_RATE_PER_MINUTE
            who = (
                str(request.user.pk) if request.user.is_authenticated else request.META.get("REMOTE_ADDR", "")
            )
            if not within_rate(scope=scope, who=who, per_minute=per_minute):
                response = JsonResponse(
                    {
                        "error": f"Too many previews: at most {per_minute} a minute. Wait a moment and try again."
                    },
                    status=429,
                )
                response["Retry-After"] = str(WINDOW_SECONDS)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
