"""Moments on a cached page: HTML cached until the next write still says "open 2 h 5 min" as of each request.

`{% live "open_for" incident.started_at %}` (dashboard/templatetags/live.py) renders a slot, an HTML comment that
no escaped text can contain; `fill(html, now)` replaces every slot with its value as of `now`, by the same
functions the template filters use (`timesince`, `duration`).
"""

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from core.durations import format_duration

_SLOT = re.compile(r"<!--live:(\w+):([^>]*)-->")


def slot(kind: str, *values: datetime | timedelta | None) -> SafeString:
    if kind not in KINDS:
        raise ValueError(f"Unknown live value {kind!r}; one of {', '.join(KINDS)}.")
    return mark_safe(f"<!--live:{kind}:{'|'.join(_encode(value) for value in values)}-->")


def fill(html: str, now: datetime) -> SafeString:
    def value(match: re.Match) -> str:
        render = KINDS[match[1]]
        return render(now, *(_decode(text) for text in match[2].split("|")))

    return mark_safe(_SLOT.sub(value, html))


def _encode(value: datetime | timedelta | None) -> str:
    if value is None:
        return ""
    if isinstance(value, timedelta):
        return f"s{value.total_seconds()!r}"
    return value.isoformat()


def _decode(text: str) -> datetime | timedelta | None:
    if not text:
        return None
    if text.startswith("s"):
        return timedelta(seconds=float(text[1:]))
    return parse_datetime(text)


def _since(now, moment):
    """{{ moment|timesince }}"""
    return timesince(moment, now) if moment else ""


def _open_for(now, started_at, resolved_at):
    """{{ incident.open_for|duration }}"""
    return format_duration((resolved_at or now) - started_at)


def _against_target(now, start, target, *, within, breached):
    """Time waiting for acknowledgement (Incident.response_target_check) in `within`'s markup while inside the
    target, `breached`'s after it; both may name {elapsed} and {target}."""
    elapsed = now - start
    markup = within if elapsed <= target else breached
    return format_html(markup, elapsed=format_duration(elapsed), target=format_duration(target))


def _awaiting_ack(now, start, target):
    """Home's tag for an incident not yet acknowledged."""
    return _against_target(
        now,
        start,
        target,
        within='<span class="tag tag--warn">awaiting ack: {elapsed} of {target}</span>',
        breached='<span class="tag tag--bad">not acknowledged, {target} target breached</span>',
    )


def _ack_pending(now, start, target):
    """The incident page's response target while nobody has acknowledged."""
    return _against_target(
        now,
        start,
        target,
        within='<p class="target target--met">Awaiting acknowledgement: {elapsed} of {target} target</p>',
        breached='<p class="target target--missed">Not acknowledged: {elapsed}, target {target} breached</p>',
    )


def _since_duration(now, moment):
    """{{ now|sub:moment|duration }}: how long ago, as a duration ("1 h 5 min")."""
    return format_duration(now - moment) if moment else ""


def _update_overdue(now, due):
    """Incident.next_update_due has passed."""
    return mark_safe('<span class="tag tag--bad">update overdue</span>') if due and due < now else ""


KINDS: dict[str, Callable[..., str]] = {
    "since": _since,
    "open_for": _open_for,
    "awaiting_ack": _awaiting_ack,
    "ack_pending": _ack_pending,
    "since_duration": _since_duration,
    "update_overdue": _update_overdue,
}
