"""Who has a document open for editing right now, kept in the cache (shared by every app node when Redis is set).

The editor's script calls the heartbeat about every 30 seconds; someone who stops is gone after PRESENCE_TTL. A
document's editors are one cache entry (a dict by user id): two heartbeats racing may drop one entry until the
next beat, which is the whole cost of doing without a table.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

from core.people import display_name

PRESENCE_TTL = timedelta(seconds=60)
HEARTBEAT_SECONDS = 30


@dataclass(frozen=True)
class Editor:
    user_id: int
    name: str
    since: datetime


def _key(document) -> str:
    return f"presence:{document._meta.label_lower}:{document.pk}"


def _live(entries: dict, now: datetime) -> dict:
    return {uid: entry for uid, entry in entries.items() if now - entry["seen"] < PRESENCE_TTL}


def record_heartbeat(*, document, user, now: datetime | None = None) -> None:
    """`user` has `document` open in the editor."""
    now = now or timezone.now()
    entries = _live(cache.get(_key(document), {}), now)
    previous = entries.get(user.pk)
    entries[user.pk] = {
        "name": display_name(user),
        "since": previous["since"] if previous else now,
        "seen": now,
    }
    cache.set(_key(document), entries, timeout=int(PRESENCE_TTL.total_seconds()) * 2)


def leave(*, document, user) -> None:
    entries = cache.get(_key(document), {})
    if entries.pop(user.pk, None) is not None:
        cache.set(_key(document), entries, timeout=int(PRESENCE_TTL.total_seconds()) * 2)


def editors(*, document, exclude=None, now: datetime | None = None) -> list[Editor]:
    """Everyone editing `document` now (but `exclude`, usually the person asking), longest first."""
    now = now or timezone.now()
    live = _live(cache.get(_key(document), {}), now)
    skip = getattr(exclude, "pk", None)
    found = [Editor(uid, entry["name"], entry["since"]) for uid, entry in live.items() if uid != skip]
    return sorted(found, key=lambda editor: editor.since)
