"""Dashboard figures cached in the shared cache with exact invalidation.

One generation counter (in the cache, so every app node sees it) is part of every cache key, and every write to the
database moves it: a wrapper on each database connection sees every INSERT, UPDATE, DELETE and TRUNCATE the ORM
sends (saves, deletes, `QuerySet.update()`, `bulk_create()`, cascades and raw SQL alike — model signals miss
most of those), so a cached figure is never older than the last write. Writes that no dashboard reads (sessions,
logins, the notification outbox, API token use) leave it alone.

A figure that changes with the clock alone (an update falling overdue, a due date passing) is cached with the
moment it next changes (`Fresh.until`); the day and the time zone are part of the key.
"""

import hashlib
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

GENERATION_KEY = "freshness:generation"
TIMEOUT = 60 * 60  # entries of old generations just age out
WAIT_SECONDS = 30  # how long a request waits for another one computing the same entry
POLL_SECONDS = 0.05
# Bump when the shape of what is cached changes, so a new release never reads an old release's objects.
FORMAT = 1

# The first table a write statement names (Django quotes names; raw SQL may not).
_WRITE = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+(?:IGNORE|REPLACE)\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|MERGE\s+INTO)\s+(?:ONLY\s+)?[\"`]?(\w+)",
    re.IGNORECASE,
)
# Tables written while people only read, and that no dashboard shows.
UNWATCHED_TABLES = frozenset({"django_session", "notifications_notification"})
UNWATCHED_PREFIXES = ("axes_", "api_")
# Logging in stamps the user row; nothing cached shows when anyone last logged in.
_LAST_LOGIN_ONLY = re.compile(r'\s*UPDATE\s+"auth_user"\s+SET\s+"last_login"\s*=\s*%s\s+WHERE', re.IGNORECASE)


# Where HTML cached for several readers had its {% csrf_token %} value: markup no escaped text can contain.
CSRF_SLOT = mark_safe("<!--csrf-token-->")


@dataclass(frozen=True)
class Fresh:
    """A computed value and the moment it goes stale without any write (None: only a write can move it)."""

    value: Any
    until: datetime | None = None


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Never restart from a small number: an evicted counter must not revive entries cached under it.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return int(value)


def bump(using: str = "default") -> None:
    """Invalidate every cached figure now, and again once the transaction commits (so a request that read the
    old rows while the write was in flight cannot keep them under the new generation). Writes through the ORM
    call this by themselves; call it after writing behind Django's back (COPY)."""
    _incr()
    transaction.on_commit(_incr, using=using)


def _incr() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)


def enabled() -> bool:
    """Cache only where every app node sees the same cache (Redis): per-process memory under several workers
    could not see another worker's invalidation. HINDSIGHT_DASHBOARD_CACHE decides, for every dashboard."""
    return bool(settings.HINDSIGHT_DASHBOARD_CACHE)


def cached(
    namespace: str, parts: Iterable[object], compute: Callable[[], Fresh], *, now: datetime | None = None
) -> Any:
    """`compute().value`, computed once per generation, `parts`, local day and time zone, until its own `until`
    passes. `now` is the moment `compute` works from (the request's), so the day in the key is its day."""
    now = now or timezone.now()
    if not enabled():
        return compute().value
    key = _key(namespace, parts, now)
    entry = cache.get(key)
    if not _current(entry, now):
        entry = _compute_once(key, compute, now)
    return entry.value


def _current(entry: Fresh | None, now: datetime) -> bool:
    return entry is not None and (entry.until is None or now < entry.until)


def _compute_once(key: str, compute: Callable[[], Fresh], now: datetime) -> Fresh:
    """Compute the entry, or wait for the request already computing it: a room that opens the page just after a
    write runs the queries once, not once per person. A waiter computes after all when the other request is gone
    without storing it, or takes longer than WAIT_SECONDS."""
    lock = f"{key}:computing"
    locked = cache.add(lock, True, timeout=WAIT_SECONDS)
    if not locked:
        waited_until = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < waited_until:
            time.sleep(POLL_SECONDS)
            waited: Fresh | None = cache.get(key)
            if waited is not None and _current(waited, now):
                return waited
            if cache.get(lock) is None:
                break
    try:
        computed = compute()
        cache.set(key, computed, timeout=TIMEOUT)
    finally:
        if locked:
            cache.delete(lock)
    return computed


def with_csrf_token(html: str, request: HttpRequest) -> SafeString:
    """HTML rendered once for several readers (with csrf_token=CSRF_SLOT), carrying this reader's own token."""
    return mark_safe(html.replace(CSRF_SLOT, get_token(request)))


def _key(namespace: str, parts: Iterable[object], now: datetime) -> str:
    fields = [
        str(generation()),
        _configuration(),
        timezone.get_current_timezone_name(),
        str(timezone.localdate(now)),
        *map(str, parts),
    ]
    return f"freshness:{namespace}:" + hashlib.sha256("\n".join(fields).encode()).hexdigest()


_configuration_digest: str | None = None


def _configuration() -> str:
    """The release and every HINDSIGHT_* setting: a deploy that changes a rule (a cadence, a due time) must not
    read figures computed under the old one from a cache that outlived the old processes."""
    global _configuration_digest
    if _configuration_digest is None:
        knobs = sorted(
            (name, repr(getattr(settings, name))) for name in dir(settings) if name.startswith("HINDSIGHT_")
        )
        _configuration_digest = hashlib.sha256(repr((FORMAT, settings.TIME_ZONE, knobs)).encode()).hexdigest()
    return _configuration_digest


def _forget_configuration(**kwargs: Any) -> None:
    global _configuration_digest
    _configuration_digest = None


# --- every write moves the generation -------------------------------------------------------------------------


def moves_figures(sql: str) -> bool:
    """Whether this statement can change a row a dashboard reads."""
    match = _WRITE.match(sql)
    if match is None:
        return False
    table = match.group(1).lower()
    if table in UNWATCHED_TABLES or table.startswith(UNWATCHED_PREFIXES):
        return False
    return not _LAST_LOGIN_ONLY.match(sql)


def _watch_writes(
    execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and moves_figures(sql):
        bump(using=context["connection"].alias)
    return result


def _install(connection: BaseDatabaseWrapper) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def _on_connection_created(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    _install(connection)


def watch_writes() -> None:
    """Hook every database connection, present and future (from each caching app's ready(); idempotent)."""
    connection_created.connect(_on_connection_created, dispatch_uid="freshness-watch-writes")
    setting_changed.connect(_forget_configuration, dispatch_uid="freshness-configuration")
    for connection in connections.all(initialized_only=True):
        _install(connection)
