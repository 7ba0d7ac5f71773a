"""Login brute-force throttling with django-axes, for logins that arrive over HTTP."""

from axes.backends import AxesStandaloneBackend


class HttpLoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, applied to every login that comes with a request.

    Every web login path (the login page, the admin's) passes the request to authenticate(). Calls without one
    (the shell, management commands, Django's test client `login()`) cannot be brute-forced over HTTP, so they
    pass through to the next backend instead of failing as axes' own backend would.
    """

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
