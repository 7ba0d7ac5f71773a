"""Incident history out, in the import format (transfer.columns), so an export imports back unchanged."""

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import tablib
from django.db.models import Prefetch, QuerySet

from incidents.models import Incident, Severity
from postmortems.models import ActionItem, Postmortem

from .columns import COLUMN_NAMES, NAME_SEPARATOR


def incidents_for_export(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    """The queryset with everything a record needs, in a fixed number of queries."""
    items = ActionItem.objects.select_related("owner").order_by("id")
    return incidents.select_related("postmortem").prefetch_related(
        "services", "categories", Prefetch("postmortem__action_items", queryset=items)
    )


def _time(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _postmortem(incident: Incident) -> Postmortem | None:
    try:
        return incident.postmortem
    except Postmortem.DoesNotExist:
        return None


def _action_item(item: ActionItem) -> dict[str, Any]:
    return {
        "title": item.title,
        "description": item.description,
        "kind": item.kind,
        "priority": item.priority,
        "status": item.status,
        "owner": item.owner.username if item.owner else "",
        "due_date": _day(item.due_date),
        "wont_do_reason": item.wont_do_reason,
        "completed_at": _time(item.completed_at),
    }


def incident_record(incident: Incident) -> dict[str, Any]:
    postmortem = _postmortem(incident)
    return {
        # Incidents recorded here have no outside id: their reference (INC-12) stands in for one.
        "external_id": incident.external_id or incident.reference,
        "title": incident.title,
        "severity": "" if incident.severity == Severity.UNKNOWN else incident.get_severity_display(),
        "status": incident.status,
        "started_at": _time(incident.started_at),
        "detected_at": _time(incident.detected_at),
        "acknowledged_at": _time(incident.acknowledged_at),
        "mitigated_at": _time(incident.mitigated_at),
        "resolved_at": _time(incident.resolved_at),
        "services": f"{NAME_SEPARATOR} ".join(service.name for service in incident.services.all()),
        "categories": f"{NAME_SEPARATOR} ".join(category.name for category in incident.categories.all()),
        "detection_source": "" if incident.detection_source == "unknown" else incident.detection_source,
        "summary": incident.summary,
        "customer_impact": incident.customer_impact,
        "postmortem": postmortem.body if postmortem else "",
        "postmortem_status": postmortem.status if postmortem else "",
        "published_at": _time(postmortem.published_at) if postmortem else "",
        "url": incident.source_url,
        "action_items": [_action_item(item) for item in postmortem.action_items.all()] if postmortem else [],
    }


def incident_records(incidents: QuerySet[Incident]) -> Iterator[dict[str, Any]]:
    for incident in incidents_for_export(incidents).iterator(chunk_size=500):
        yield incident_record(incident)


def export_text(incidents: QuerySet[Incident], *, file_format: str) -> str:
    """The whole export as CSV or JSON text (tablib writes both; CSV carries action_items as JSON text)."""
    dataset = tablib.Dataset(headers=COLUMN_NAMES)
    for record in incident_records(incidents):
        if file_format == "csv":
            record["action_items"] = json.dumps(record["action_items"]) if record["action_items"] else ""
        dataset.append([record[column] for column in COLUMN_NAMES])
    return dataset.export(file_format)
