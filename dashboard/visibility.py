"""Who may see what, as part of a cache key: readers who may see the same incidents share cached dashboards."""

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from core import freshness
from incidents.models import Incident, visible_q


def viewer_scope(user) -> str:
    """The restricted incidents `user` may see, as a short string. Everybody sees every unrestricted incident, so
    two readers with the same scope see exactly the same rows and may share cached figures. Cached per reader until
    the next write: restricting an incident, a role on one, a group membership are all writes."""
    if not getattr(user, "is_authenticated", False):
        return "public"  # visible_q: no restricted incident at all
    return freshness.cached("scope", [user.pk], lambda: freshness.Fresh(_scope(user)))


def _scope(user) -> str:
    restricted = Incident.objects.filter(restricted=True).filter(visible_q(user)).order_by("pk")
    ids = ",".join(str(pk) for pk in restricted.values_list("pk", flat=True))
    return hashlib.sha256(ids.encode()).hexdigest()


def cached_for_viewer(
    namespace: str, user, parts: Iterable[object], compute: Callable[[], freshness.Fresh], *, now: datetime
) -> Any:
    """freshness.cached, shared by every reader who may see what `user` may see (compute for `user`)."""
    if not freshness.enabled():
        return compute().value
    return freshness.cached(namespace, [viewer_scope(user), *parts], compute, now=now)
