"""Django's cached_db sessions, read together with the signed-in person: one cache round trip per request."""

from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBSessionStore

from accounts import user_cache


class SessionStore(CachedDBSessionStore):
    """cached_db's store (read through the cache, written through to the database), whose cache read also fetches
    the signed-in person's entry (accounts.user_cache.read_with_session) when the person is read through the same
    cache (HINDSIGHT_USER_CACHE, the default cache alias); otherwise exactly cached_db's."""

    def load(self) -> dict[str, Any]:
        if not (settings.HINDSIGHT_USER_CACHE and settings.SESSION_CACHE_ALIAS == "default"):
            return super().load()
        key = self.cache_key
        try:
            data = user_cache.read_with_session(key)
        except Exception:  # as cached_db: a cache that fails to answer leaves the database
            data = None
        if data is None:
            data = super().load()  # cached_db's own path: the database, then the cache
        user_cache.remember_session(key, data.get(SESSION_KEY))
        return data
