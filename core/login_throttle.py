"""Login brute-force throttling with django-axes, for logins that arrive over HTTP."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest


class HttpLoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, applied to every login that comes with a request.

    Every web login path (the login page, the admin's) passes the request to authenticate(). Calls without one
    (the shell, management commands, Django's test client `login()`) cannot be brute-forced over HTTP, so they
    pass through to the next backend instead of failing as axes' own backend would.
    """

    def authenticate(
        self,
        request: HttpRequest | None = None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        if request is None:
            return None
        user: AbstractBaseUser | None = super().authenticate(
            request, username=username, password=password, **kwargs
        )
        return user
