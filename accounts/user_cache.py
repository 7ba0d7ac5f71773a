"""The signed-in person, read through the shared cache instead of the database on every request.

Each cached entry is the user row with its permissions (ModelBackend's own per-object caches), stamped with two
tokens kept in the cache beside it: one for that person (replaced when their row is saved or deleted) and one for
roles (replaced when any group membership, group permission, personal permission, group or permission changes).
An entry is used only while both stamps still match, so a change takes effect on the next request, on every app
node. The tokens are read together with the entry (one round trip), and a reader stamps what it loads with the
tokens it read *before* loading: a change committed meanwhile replaces a token and voids that entry.

Exact only when every process sees the same cache (Redis): settings.HINDSIGHT_USER_CACHE follows SHARED_CACHE.
"""

import secrets
from collections.abc import Callable
from functools import partial

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction

# A bound for changes made behind Django's back (raw SQL, QuerySet.update()); signals void entries at once.
ENTRY_SECONDS = 5 * 60
ROLES_TOKEN_KEY = "signed-in:roles-token"


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


def cached_user(
    user_id: object, load: Callable[[object], AbstractBaseUser | None]
) -> AbstractBaseUser | None:
    """The user with this id from the cache when its entry is current, else from `load` (then cached)."""
    key, user_key = entry_key(user_id), user_token_key(user_id)
    found = cache.get_many([key, user_key, ROLES_TOKEN_KEY])
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
