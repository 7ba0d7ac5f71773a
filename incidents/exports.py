"""CSV export of the incident list, with exactly the filters the list page has applied."""

from django.utils import timezone

from core.csv_export import csv_response
from core.people import display_name

from .filters import IncidentFilter
from .models import Incident

COLUMNS = [
    "reference",
    "title",
    "severity",
    "status",
    "detection_source",
    "services",
    "categories",
    "started_at",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "time_to_detect_min",
    "time_to_acknowledge_min",
    "time_to_mitigate_min",
    "time_to_resolve_min",
    "commander",
    "url",
]


def _minutes(value):
    return "" if value is None else round(value.total_seconds() / 60, 1)


def _time(value):
    return timezone.localtime(value).isoformat() if value else ""


def incident_row(incident, request):
    commander = incident.commander
    return [
        incident.reference,
        incident.title,
        incident.get_severity_display(),
        incident.get_status_display(),
        incident.get_detection_source_display(),
        "; ".join(s.name for s in incident.services.all()),
        "; ".join(c.name for c in incident.categories.all()),
        _time(incident.started_at),
        _time(incident.detected_at),
        _time(incident.acknowledged_at),
        _time(incident.mitigated_at),
        _time(incident.resolved_at),
        _minutes(incident.time_to_detect),
        _minutes(incident.time_to_acknowledge),
        _minutes(incident.time_to_mitigate),
        _minutes(incident.time_to_resolve),
        display_name(commander),
        request.build_absolute_uri(incident.get_absolute_url()),
    ]


def export_incidents(request):
    filterset = IncidentFilter(
        request.GET,
        queryset=Incident.objects.for_list().with_durations().visible_to(request.user),
        request=request,
    )
    incidents = filterset.qs if filterset.is_valid() else Incident.objects.none()
    rows = (incident_row(incident, request) for incident in incidents.iterator(chunk_size=500))
    return csv_response(f"incidents-{timezone.localdate():%Y-%m-%d}.csv", COLUMNS, rows)
