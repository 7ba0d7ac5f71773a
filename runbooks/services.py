"""Writes to runbooks: the library's pages, the incident page and the API call these."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from documents.merging import Choice
from incidents.models import Incident, Service

from .models import Runbook, RunbookUsage, Tag


@transaction.atomic
def save_runbook(
    *,
    runbook: Runbook,
    by: User | None,
    expected_version: int | None,
    tag_names: Iterable[str] | None = None,
    services: Iterable[Service] | None = None,
    note: str = "",
    merge: bool = False,
    resolutions: dict[int, Choice] | None = None,
    theirs_version: int | None = None,
) -> Runbook:
    """Save the runbook's current fields as a new version (raises documents.models.EditConflict when someone
    saved since `expected_version`, unless `merge` merges the two edits: see VersionedDocument.save_revision),
    then its services and tags (created as needed)."""
    runbook.save_revision(
        by,
        expected_version=expected_version,
        note=note,
        merge=merge,
        resolutions=resolutions,
        theirs_version=theirs_version,
    )
    if services is not None:
        runbook.services.set(services)
    if tag_names is not None:
        names = list(tag_names)
        existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
        runbook.tags.set([existing.get(name) or Tag.objects.create(name=name) for name in names])
    return runbook


@transaction.atomic
def mark_reviewed(*, runbook: Runbook, by: User | None, now: datetime | None = None) -> Runbook:
    """Restart the runbook's review clock."""
    runbook.mark_reviewed(by, now=now)
    return runbook


@transaction.atomic
def record_runbook_usage(
    *, incident: Incident, runbook: Runbook | None, by: User | None, outcome: str, note: str = ""
) -> RunbookUsage:
    """How `runbook` served `incident` (re-recording one updates it), or — runbook None, outcome "missing" — the
    runbook that was needed. A runbook that didn't help is reported to its owning team."""
    from notifications.services import notify_runbook_didnt_help

    fields = {"outcome": outcome, "note": note, "recorded_by": by, "recorded_at": timezone.now()}
    if runbook is None:
        usage = RunbookUsage(incident=incident, **fields)
        usage.full_clean()
        usage.save()
    else:
        usage, _ = RunbookUsage.objects.update_or_create(incident=incident, runbook=runbook, defaults=fields)
    if usage.outcome == RunbookUsage.Outcome.DIDNT_HELP:
        notify_runbook_didnt_help(usage=usage)
    return usage
