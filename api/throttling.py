from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class PerTokenRateThrottle(SimpleRateThrottle):
    """HINDSIGHT_API_RATE_PER_MINUTE requests a minute per token (per person for the session, per address for
    anonymous requests), counted in Django's cache so every app node shares the count."""

    scope = "api"

    def get_rate(self):
        return f"{settings.HINDSIGHT_API_RATE_PER_MINUTE}/min"

    def get_cache_key(self, request, view):
        if request.auth is not None and hasattr(request.auth, "pk"):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
