"""Signing in with a username and password, and finding the signed-in person on each request."""

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from accounts.user_cache import cached_user


class CachedModelBackend(ModelBackend):
    """Django's ModelBackend, whose per-request user lookup (and the permissions pages check) reads through the
    shared cache when settings.HINDSIGHT_USER_CACHE is on (see accounts.user_cache). Django still checks the
    session's password hash against the returned user, so a password change ends the person's other sessions."""

    def get_user(self, user_id: Any) -> Any:
        if not settings.HINDSIGHT_USER_CACHE:
            return super().get_user(user_id)
        return cached_user(user_id, self._user_with_permissions)

    def _user_with_permissions(self, user_id: Any) -> Any:
        user = super().get_user(user_id)
        if user is not None:
            self.get_all_permissions(
                user
            )  # fills ModelBackend's caches on the object, which are cached with it
        return user
