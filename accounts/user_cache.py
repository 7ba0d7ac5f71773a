"""The signed-in person, read through the shared cache instead of the database on every request.

Each cached entry is the user row with its permissions (ModelBackend's own per-object caches), stamped with two
tokens kept in the cache beside it: one for that person (replaced when their row is saved or deleted) and one for
roles (replaced when any group membership, group permission, personal permission, group or permission changes).
An entry is used only while both stamps still match, so a change takes effect on the next request, on every app
node. The tokens are read together with the entry (one round trip), and a reader stamps what it loads with the
tokens it read *before* loading: a change committed meanwhile replaces a token and voids that entry.

The session and the person are read in one round trip (accounts.sessions): reading a session, a process also
fetches the entry and tokens of the person that session belonged to when it last read it (`read_with_session`),
and `cached_user` takes them from there when that is still the session's person. Only a hint of which keys to
fetch is kept between requests, never a value: what a request uses was read in that request.

Exact only when every process sees the same cache (Redis): settings.HINDSIGHT_USER_CACHE follows SHARED_CACHE.
"""

import secrets
from collections.abc import Callable
from contextvars import ContextVar
from functools import partial
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction

# A bound for changes made behind Django's back (raw SQL, QuerySet.update()); signals void entries at once.
ENTRY_SECONDS = 5 * 60
ROLES_TOKEN_KEY = "signed-in:roles-token"
# Which person each session belonged to when this process last read it: {session cache key: user id}.
SESSION_HINTS = 10_000
_session_users: dict[str, str] = {}
# What this request's session read fetched for the person: (user id, {key: value}), used once.
_prefetched: ContextVar[tuple[str, dict[str, Any]] | None] = ContextVar("signed-in-prefetched", default=None)


def entry_key(user_id: object) -> str:
    return f"signed-in:user:{user_id}"


def user_token_key(user_id: object) -> str:
    return f"signed-in:user-token:{user_id}"


def _token(key: str, found: dict[str, str]) -> str:
    """The token stored under key (as read in `found`), or a new one stored now if there is none."""
    if key in found:
        return found[key]
    token = secrets.token_hex(8)
    if cache.add(key, token, timeout=None):
        return token
    # Another request stored one first; if it has gone again, ours matches nothing and the entry is only missed.
    stored: str | None = cache.get(key)
    return stored or token


def _keys(user_id: object) -> list[str]:
    return [entry_key(user_id), user_token_key(user_id), ROLES_TOKEN_KEY]


def read_with_session(session_cache_key: str) -> Any:
    """The session's data from the cache (None when it is not there) and, in the same round trip, the entry and
    tokens of the person the session belonged to when this process last read it, for this request's
    `cached_user`."""
    user_id = _session_users.get(session_cache_key)
    if user_id is None:
        _prefetched.set(None)
        return cache.get(session_cache_key)
    found = cache.get_many([session_cache_key, *_keys(user_id)])
    _prefetched.set((user_id, found))
    return found.get(session_cache_key)


def remember_session(session_cache_key: str, user_id: object) -> None:
    """Note whose session this is (the user id in its data; None when nobody is signed in)."""
    if user_id is None:
        _session_users.pop(session_cache_key, None)
        return
    if len(_session_users) >= SESSION_HINTS:
        _session_users.clear()  # hints only: losing them costs a round trip per session, once
    _session_users[session_cache_key] = str(user_id)


def forget_prefetched(**kwargs: Any) -> None:
    """Nothing read for one request is left for the next (request_finished)."""
    _prefetched.set(None)


def cached_user(
    user_id: object, load: Callable[[object], AbstractBaseUser | None]
) -> AbstractBaseUser | None:
    """The user with this id from the cache when its entry is current, else from `load` (then cached)."""
    key, user_key = entry_key(user_id), user_token_key(user_id)
    prefetched = _prefetched.get()
    if prefetched is not None:
        _prefetched.set(None)
    if prefetched is not None and prefetched[0] == str(user_id):
        found = prefetched[1]
    else:
        found = cache.get_many(_keys(user_id))
    stamp = (_token(user_key, found), _token(ROLES_TOKEN_KEY, found))
    entry = found.get(key)
    if entry is not None and entry[0] == stamp:
        user: AbstractBaseUser = entry[1]
        return user
    loaded = load(user_id)
    if loaded is not None:
        cache.set(key, (stamp, loaded), timeout=ENTRY_SECONDS)
    return loaded


def _replace_token(key: str) -> None:
    cache.set(key, secrets.token_hex(8), timeout=None)


def _void(key: str) -> None:
    # Now, so the change shows at once (even inside a transaction that is still open), and again once it is
    # committed, so that a request which read the old row meanwhile cannot leave it cached under a live token.
    _replace_token(key)
    transaction.on_commit(partial(_replace_token, key), robust=True)


def forget_user(user_id: object) -> None:
    """The person's row changed (saved, deleted): their next request reads it from the database."""
    _void(user_token_key(user_id))


def forget_roles() -> None:
    """Who holds which permission changed: everyone's next request reads their permissions afresh."""
    _void(ROLES_TOKEN_KEY)
