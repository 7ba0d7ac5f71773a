"""Insights figures cached in the shared cache with exact invalidation.

Every write that can move a figure bumps one generation counter (signals on the models Insights reads, plus
explicit calls from services that write in bulk); the counter is part of every cache key, so a cached figure is
never older than the last write. Only user-independent figures are cached: the view still decides, per reader,
which restricted incidents may be named.
"""

import hashlib
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

GENERATION_KEY = "insights:generation"
FIGURES_TIMEOUT = 60 * 60  # unused generations just age out
# Apps whose rows feed Insights (incidents, checklists, services, postmortems, action items, due-date slips).
WATCHED_APPS = ("incidents", "postmortems", "meetings", "runbooks")


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Never restart from a small number: an evicted counter must not revive figures cached under it.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def bump() -> None:
    """Invalidate every cached figure now, and again once the transaction commits (so a request that read the
    old rows while the write was in flight cannot store them under the new generation)."""
    _incr()
    transaction.on_commit(_incr)


def _incr() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)


def cached_figures(query_string: str, compute):
    """`compute()` for these filters, once per generation, local day and time zone (quarters are local)."""
    if not settings.HINDSIGHT_INSIGHTS_CACHE:
        return compute()
    parts = [str(generation()), query_string, timezone.get_current_timezone_name(), str(timezone.localdate())]
    key = "insights:figures:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
    figures = cache.get(key)
    if figures is None:
        figures = compute()
        cache.set(key, figures, timeout=FIGURES_TIMEOUT)
    return figures


def _on_write(sender, **kwargs) -> None:
    bump()


def connect_signals() -> None:
    for app_label in WATCHED_APPS:
        for model in apps.get_app_config(app_label).get_models():
            post_save.connect(_on_write, sender=model, dispatch_uid=f"insights-save-{model._meta.label}")
            post_delete.connect(_on_write, sender=model, dispatch_uid=f"insights-delete-{model._meta.label}")
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                m2m_changed.connect(
                    _on_write, sender=through, dispatch_uid=f"insights-m2m-{model._meta.label}.{field.name}"
                )
                post_delete.connect(
                    _on_write, sender=through, dispatch_uid=f"insights-thdel-{model._meta.label}.{field.name}"
                )
