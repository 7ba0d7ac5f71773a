"""Writes to incidents: every page, the admin, the alert webhook and the API call these.

Each function is one transaction; notifications about it are queued in that transaction and delivered once it
commits (see notifications.services), so a rolled-back change tells nobody.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.people import display_name

from .models import Category, Incident, Kind, Service, Status, StatusUpdate, TimelineEntry


@transaction.atomic
def declare_incident(
    *,
    by: User,
    title: str,
    severity: int,
    services: Iterable[Service],
    categories: Iterable[Category] = (),
    summary: str = "",
    started_at: datetime | None = None,
    kind: str = Kind.REAL,
    restricted: bool = False,
    practised_runbook: Any = None,
) -> Incident:
    """Open an incident now (or a drill, game day or tabletop: `kind`); the person declaring it becomes incident
    commander."""
    from notifications.services import notify_incident_declared

    now = timezone.now()
    incident = Incident(
        title=title,
        severity=severity,
        summary=summary,
        started_at=started_at or now,
        detected_at=now,
        commander=by,
        created_by=by,
        kind=kind,
        restricted=restricted,
        practised_runbook=practised_runbook,
    )
    incident.full_clean(exclude=["services", "categories"])
    incident.save()
    incident.services.set(services)
    incident.categories.set(categories)
    TimelineEntry.objects.create(
        incident=incident,
        occurred_at=now,
        kind=TimelineEntry.Kind.STATUS_CHANGE,
        text=f"Incident declared as {incident.get_severity_display()} by {display_name(by)}.",
        author=by,
    )
    notify_incident_declared(incident=incident)
    return incident


def status_change_text(old_label: str, new_label: str, note: str = "") -> str:
    """The timeline's words for a status change, wherever the change was made."""
    text = f"Status changed from {old_label} to {new_label}."
    return f"{text} {note}" if note else text


def severity_change_text(old_label: str, new_label: str) -> str:
    return f"Severity changed from {old_label} to {new_label}."


def _record_change(
    incident: Incident, text: str, by: User | None, when: datetime | None = None
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        incident=incident,
        occurred_at=when or timezone.now(),
        kind=TimelineEntry.Kind.STATUS_CHANGE,
        text=text,
        author=by,
    )


@transaction.atomic
def change_status(
    *,
    incident: Incident,
    status: str,
    by: User | None,
    note: str = "",
    now: datetime | None = None,
) -> TimelineEntry | None:
    """Move to a new status, fill the timestamps that implies, and write it into the timeline.

    None when the incident already has that status (nothing changes)."""
    from notifications.services import notify_incident_resolved

    now = now or timezone.now()
    if status == incident.status:
        return None
    old_label = incident.get_status_display()
    incident.status = status
    if status != Status.INVESTIGATING and incident.acknowledged_at is None:
        incident.acknowledged_at = max(now, incident.detected_at or incident.started_at)
    if status in (Status.MONITORING, Status.RESOLVED) and incident.mitigated_at is None:
        incident.mitigated_at = max(now, incident.acknowledged_at or incident.started_at)
    if status == Status.RESOLVED:
        incident.resolved_at = max(now, incident.mitigated_at or incident.started_at)
    else:
        incident.resolved_at = None
    incident.save()
    entry = _record_change(
        incident, status_change_text(old_label, incident.get_status_display(), note), by, now
    )
    if status == Status.RESOLVED:
        notify_incident_resolved(incident=incident)
    return entry


@transaction.atomic
def update_incident(*, incident: Incident, by: User | None, **changes: Any) -> Incident:
    """Apply edited fields (many-to-many ones too). A status or severity change is written into the timeline
    and told to the teams as `change_status` would; the timestamps stay as given."""
    from notifications.services import notify_incident_resolved, notify_severity_changed
    from references.services import rerender_mentions_of

    before = Incident.objects.only("status", "severity", "restricted").get(pk=incident.pk)
    many = {field.name for field in Incident._meta.many_to_many}
    for name, value in changes.items():
        if name not in many:
            setattr(incident, name, value)
    incident.full_clean(exclude=list(many))
    incident.save()
    for name in many & changes.keys():
        getattr(incident, name).set(changes[name])
    if incident.status != before.status:
        text = status_change_text(before.get_status_display(), incident.get_status_display())
        _record_change(incident, text, by)
        if incident.status == Status.RESOLVED:
            notify_incident_resolved(incident=incident)
    if incident.severity != before.severity:
        _record_change(
            incident, severity_change_text(before.get_severity_display(), incident.get_severity_display()), by
        )
        notify_severity_changed(incident=incident, previous=before.severity)
    if incident.restricted != before.restricted:
        rerender_mentions_of(incident=incident)  # stored HTML linking it becomes plain text (or a link again)
    return incident


@transaction.atomic
def add_timeline_entry(
    *,
    incident: Incident,
    by: User | None,
    kind: str,
    text: str,
    occurred_at: datetime | None = None,
) -> TimelineEntry:
    entry = TimelineEntry(
        incident=incident, author=by, kind=kind, text=text, occurred_at=occurred_at or timezone.now()
    )
    entry.full_clean(exclude=["incident", "author"])
    entry.save()
    return entry


@transaction.atomic
def post_status_update(
    *,
    incident: Incident,
    by: User | None,
    kind: str,
    visibility: str,
    headline: str,
    message: str,
    next_update_at: datetime | None = None,
    now: datetime | None = None,
) -> StatusUpdate:
    """Record the update and write it into the timeline."""
    now = now or timezone.now()
    update = StatusUpdate.objects.create(
        incident=incident,
        kind=kind,
        visibility=visibility,
        status=incident.status,
        headline=headline,
        message=message,
        next_update_at=next_update_at,
        posted_at=now,
        author=by,
    )
    audience = "Public" if update.is_public else "Internal"
    TimelineEntry.objects.create(
        incident=incident,
        occurred_at=now,
        kind=TimelineEntry.Kind.COMMUNICATION,
        author=by,
        text=f"{audience} {update.get_kind_display().lower()} posted: {headline}\n\n{message}",
    )
    return update
