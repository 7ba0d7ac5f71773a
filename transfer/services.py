"""Importing incident history: validated rows written in bulk, in one transaction, with their own times."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from documents.markdown import render_markdown
from documents.models import Revision
from incidents.models import Category, Incident, Service, TimelineEntry
from insights import freshness as insights_freshness
from notifications.services import notifications_suppressed
from postmortems.models import ActionItem, Postmortem
from search.indexing import index_objects_in_bulk

from .columns import ActionItemValues
from .reading import ImportRow, RowError, read_records, validate_record

BATCH_SIZE = 500
INCIDENT_FIELDS = [
    "title",
    "severity",
    "status",
    "detection_source",
    "summary",
    "customer_impact",
    "source_url",
    "started_at",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
]


@dataclass
class ImportReport:
    filename: str
    dry_run: bool
    created: list[str] = field(default_factory=list)  # external ids
    updated: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    applied: bool = False  # something was written

    @property
    def skipped(self) -> int:
        return len(self.errors)


def import_incident_history(
    *,
    content: bytes,
    filename: str,
    file_format: str,
    zone: tzinfo,
    by: User | None = None,
    dry_run: bool = False,
    skip_errors: bool = False,
) -> ImportReport:
    """Read `content` (CSV or JSON in the documented format) and create or update its incidents.

    A file with any bad row writes nothing unless `skip_errors`; `dry_run` only reports what would happen.
    Raises UnreadableFile when the file as a whole cannot be read."""
    report = ImportReport(filename=filename, dry_run=dry_run)
    rows = _valid_rows(read_records(content, file_format=file_format), zone, report)
    existing_ids = set(
        Incident.objects.filter(external_id__in=[row.external_id for row in rows]).values_list(
            "external_id", flat=True
        )
    )
    for row in rows:
        (report.updated if row.external_id in existing_ids else report.created).append(row.external_id)
    if dry_run or (report.errors and not skip_errors) or not rows:
        return report
    # History happened long ago: importing it tells nobody.
    with transaction.atomic(), notifications_suppressed():
        report.warnings.extend(_write_rows(rows, filename=filename, by=by))
    report.applied = True
    return report


def _valid_rows(records: Iterable, zone: tzinfo, report: ImportReport) -> list[ImportRow]:
    rows: list[ImportRow] = []
    seen: set[str] = set()
    for record in records:
        try:
            row = validate_record(record, zone=zone)
        except ValidationError as error:
            external_id = str(record.values.get("external_id") or "").strip()
            report.errors.append(RowError(record.position, external_id, " ".join(error.messages)))
            continue
        if row.external_id in seen:
            report.errors.append(
                RowError(row.position, row.external_id, "external_id: already earlier in the file.")
            )
            continue
        seen.add(row.external_id)
        rows.append(row)
    return rows


def _write_rows(rows: list[ImportRow], *, filename: str, by: User | None) -> list[str]:
    insights_freshness.bump()  # bulk writes send no signals
    services = _named(Service, {name for row in rows for name in row.services})
    categories = _named(Category, {name for row in rows for name in row.categories})
    incidents = _save_incidents(rows, by=by)
    _link(Incident.services.through, "service_id", rows, incidents, services, lambda row: row.services)
    _link(Incident.categories.through, "category_id", rows, incidents, categories, lambda row: row.categories)
    now = timezone.now()
    TimelineEntry.objects.bulk_create(
        (
            TimelineEntry(
                incident=incidents[row.external_id],
                occurred_at=now,
                author=by,
                kind=TimelineEntry.Kind.OBSERVATION,
                text=f"Imported from {filename}.",
            )
            for row in rows
        ),
        batch_size=BATCH_SIZE,
    )
    postmortems = _save_postmortems(rows, incidents, filename=filename, by=by)
    warnings, item_ids = _save_action_items(rows, incidents, postmortems, services, by=by)
    index_objects_in_bulk(Incident, [incident.pk for incident in incidents.values()])
    index_objects_in_bulk(Postmortem, [postmortem.pk for postmortem in postmortems.values()])
    index_objects_in_bulk(ActionItem, item_ids)
    return warnings


def _named(model: Any, names: set[str]) -> dict[str, Any]:
    """{lower-case name: object} for every name, matched case-insensitively, the missing ones created."""
    wanted = {name.lower(): name for name in sorted(names)}
    found = {
        obj.name.lower(): obj
        for obj in model._default_manager.annotate(lower_name=Lower("name")).filter(lower_name__in=wanted)
    }
    missing = [model(name=wanted[lower][:100]) for lower in wanted if lower not in found]
    for obj in model._default_manager.bulk_create(missing, batch_size=BATCH_SIZE):
        found[obj.name.lower()] = obj
    return found


def _save_incidents(rows: list[ImportRow], *, by: User | None) -> dict[str, Incident]:
    incidents = Incident.objects.in_bulk([row.external_id for row in rows], field_name="external_id")
    now = timezone.now()
    changed = []
    for row in rows:
        incident = incidents.get(row.external_id)
        if incident is None:
            incidents[row.external_id] = Incident(
                external_id=row.external_id, created_by=by, **row.incident_fields
            )
            continue
        for name, value in row.incident_fields.items():
            setattr(incident, name, value)
        incident.updated_at = now
        changed.append(incident)
    Incident.objects.bulk_update(changed, [*INCIDENT_FIELDS, "updated_at"], batch_size=BATCH_SIZE)
    Incident.objects.bulk_create([i for i in incidents.values() if i.pk is None], batch_size=BATCH_SIZE)
    return incidents


def _link(
    through: Any,
    target_column: str,
    rows: list[ImportRow],
    incidents: dict[str, Incident],
    objects: dict[str, Any],
    names_of: Any,
) -> None:
    """Replace each incident's links (services or categories) with the row's."""
    incident_ids = [incidents[row.external_id].pk for row in rows]
    through.objects.filter(incident_id__in=incident_ids).delete()
    through.objects.bulk_create(
        (
            through(incident_id=incidents[row.external_id].pk, **{target_column: objects[name.lower()].pk})
            for row in rows
            for name in names_of(row)
        ),
        batch_size=BATCH_SIZE,
    )


def _save_postmortems(
    rows: list[ImportRow], incidents: dict[str, Incident], *, filename: str, by: User | None
) -> dict[str, Postmortem]:
    """Create or update the rows' postmortems with their own status and publication time; one revision each."""
    with_postmortem = [row for row in rows if row.has_postmortem]
    existing = {
        postmortem.incident_id: postmortem
        for postmortem in Postmortem.objects.filter(
            incident_id__in=[incidents[row.external_id].pk for row in with_postmortem]
        )
    }
    now = timezone.now()
    postmortems: dict[str, Postmortem] = {}
    for row in with_postmortem:
        incident = incidents[row.external_id]
        postmortem = existing.get(incident.pk) or Postmortem(
            incident=incident,
            created_by=by,
            version=0,
            created_at=row.published_at or incident.resolved_at or now,
        )
        postmortem.title = incident.title
        postmortem.body = row.postmortem_body
        postmortem.rendered_body = render_markdown(row.postmortem_body)
        postmortem.status = row.postmortem_status
        postmortem.published_at = row.published_at if row.postmortem_status == "published" else None
        postmortem.version += 1
        postmortem.updated_by = by
        postmortem.updated_at = now
        postmortems[row.external_id] = postmortem
    Postmortem.objects.bulk_update(
        [p for p in postmortems.values() if p.pk],
        ["title", "body", "rendered_body", "status", "published_at", "version", "updated_by", "updated_at"],
        batch_size=BATCH_SIZE,
    )
    Postmortem.objects.bulk_create([p for p in postmortems.values() if p.pk is None], batch_size=BATCH_SIZE)
    content_type = ContentType.objects.get_for_model(Postmortem)
    Revision.objects.bulk_create(
        (
            Revision(
                content_type=content_type,
                object_id=p.pk,
                number=p.version,
                title=p.title[:300],
                body=p.body,
                author=by,
                note=f"Imported from {filename}"[:200],
            )
            for p in postmortems.values()
        ),
        batch_size=BATCH_SIZE,
    )
    return postmortems


def _save_action_items(
    rows: list[ImportRow],
    incidents: dict[str, Incident],
    postmortems: dict[str, Postmortem],
    services: dict[str, Any],
    *,
    by: User | None,
) -> tuple[list[str], list[int]]:
    """Create the rows' action items, updating one with the same title (any case) on the same postmortem."""
    rows = [row for row in rows if row.action_items and row.external_id in postmortems]
    owners = _people({item.owner for row in rows for item in row.action_items if item.owner})
    existing: dict[tuple[int, str], ActionItem] = {
        (item.postmortem_id, item.title.lower()): item
        for item in ActionItem.objects.filter(postmortem__in=[postmortems[row.external_id] for row in rows])
    }
    warnings: list[str] = []
    to_create, to_update = [], []
    now = timezone.now()
    for row in rows:
        postmortem = postmortems[row.external_id]
        team = min((services[name.lower()] for name in row.services), key=lambda s: s.name, default=None)
        for values in row.action_items:
            if values.owner and values.owner not in owners:
                warnings.append(
                    f"{row.position}: no person {values.owner!r}; {values.title!r} is left unowned."
                )
            item = existing.get((postmortem.pk, values.title.lower()))
            if item is None:
                item = ActionItem(postmortem=postmortem, created_by=by, team=team.team if team else "")
                to_create.append(item)
            else:
                to_update.append(item)
            _fill_action_item(item, values, owners.get(values.owner), closed_default=_closed_at(row) or now)
    ActionItem.objects.bulk_update(
        to_update,
        [
            "title",
            "description",
            "kind",
            "priority",
            "status",
            "owner",
            "due_date",
            "wont_do_reason",
            "completed_at",
            "updated_at",
        ],
        batch_size=BATCH_SIZE,
    )
    ActionItem.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    return warnings, [item.pk for item in [*to_update, *to_create]]


def _fill_action_item(
    item: ActionItem, values: ActionItemValues, owner: User | None, *, closed_default: datetime
) -> None:
    item.title = values.title
    item.description = values.description
    item.kind = values.kind
    item.priority = values.priority
    item.status = values.status
    item.owner = owner
    item.due_date = values.due_date
    item.wont_do_reason = values.wont_do_reason
    closed = values.status in ActionItem.CLOSED_STATUSES
    item.completed_at = (values.completed_at or closed_default) if closed else None
    item.updated_at = timezone.now()


def _closed_at(row: ImportRow) -> datetime | None:
    """When a closed item without its own completion time is taken to have closed: at publication."""
    return row.published_at or row.incident_fields["resolved_at"]


def _people(usernames: set[str]) -> dict[str, User]:
    return {user.username: user for user in get_user_model().objects.filter(username__in=usernames)}
