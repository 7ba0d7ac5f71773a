import json
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.models import Incident, Severity
from postmortems.models import ActionItem, Postmortem
from transfer.exporting import export_text

ROUND_TRIP_FIELDS = [
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


def _history(make_incident, service, category, editor):
    first = make_incident(
        services=[service],
        categories=[category],
        summary="Bad **deploy**",
        customer_impact="EU checkouts failed",
    )
    make_incident(severity=Severity.UNKNOWN, detection_source="unknown", status="investigating")
    postmortem = Postmortem.objects.create(
        incident=first,
        title=first.title,
        body="# Summary\n\nRolled back.",
        status="published",
        published_at=first.resolved_at + timedelta(days=2),
    )
    ActionItem.objects.create(postmortem=postmortem, title="Canary deploys", owner=editor, status="done")
    ActionItem.objects.create(
        postmortem=postmortem, title="Skip it", status="wont_do", wont_do_reason="Obsolete"
    )


def _snapshot():
    incidents = Incident.objects.order_by("started_at", "id")
    return [
        (
            [getattr(i, name) for name in ROUND_TRIP_FIELDS],
            sorted(i.services.values_list("name", flat=True)),
            sorted(i.categories.values_list("name", flat=True)),
            list(Postmortem.objects.filter(incident=i).values_list("body", "status", "published_at")),
            list(
                ActionItem.objects.filter(postmortem__incident=i)
                .order_by("title")
                .values_list("title", "status", "owner__username", "wont_do_reason", "completed_at")
            ),
        )
        for i in incidents
    ]


def _empty_site():
    Incident.objects.all().delete()


def test_json_export_imports_back_into_an_empty_site_unchanged(
    make_incident, service, category, editor, tmp_path
):
    _history(make_incident, service, category, editor)
    before = _snapshot()
    path = tmp_path / "history.json"
    call_command("export_incidents", "--format", "json", "-o", str(path))
    _empty_site()
    call_command("import_incidents", str(path), stdout=StringIO())
    assert _snapshot() == before


def test_csv_export_imports_back_into_an_empty_site_unchanged(
    make_incident, service, category, editor, tmp_path
):
    _history(make_incident, service, category, editor)
    before = _snapshot()
    path = tmp_path / "history.csv"
    call_command("export_incidents", "--format", "csv", "-o", str(path))
    _empty_site()
    call_command("import_incidents", str(path), stdout=StringIO())
    assert _snapshot() == before


def test_export_writes_exactly_the_documented_columns(make_incident):
    make_incident()
    record = json.loads(export_text(Incident.objects.all(), file_format="json"))[0]
    from transfer.columns import COLUMN_NAMES

    assert list(record) == COLUMN_NAMES


def test_export_query_count_does_not_grow_with_incidents(make_incident, service, category, editor):
    _history(make_incident, service, category, editor)
    with CaptureQueriesContext(connection) as few:
        export_text(Incident.objects.all(), file_format="json")
    for _ in range(5):
        _history(make_incident, service, category, editor)
    with CaptureQueriesContext(connection) as many:
        export_text(Incident.objects.all(), file_format="json")
    assert len(many) == len(few)


def test_incident_list_exports_the_filtered_list_as_json(viewer_client, make_incident):
    make_incident(title="Kept", severity=1)
    make_incident(title="Filtered out", severity=4)
    response = viewer_client.get(reverse("transfer:export_json"), {"severity": "1"})
    titles = [record["title"] for record in json.loads(b"".join(response.streaming_content))]
    assert titles == ["Kept"]
