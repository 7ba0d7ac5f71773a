import json

import pytest
from django.urls import reverse

from incidents.models import Category, DetectionSource, Incident, Service, Severity, TimelineEntry
from postmortems.models import ActionItem, Postmortem
from search.models import SearchDocument
from transfer.reading import UnreadableFile

from .conftest import HEADER, csv_row


def test_a_csv_row_becomes_an_incident_with_its_own_times(run_import):
    report = run_import(HEADER + csv_row())
    incident = Incident.objects.get(external_id="JIRA-1")
    assert report.created == ["JIRA-1"]
    assert incident.started_at.isoformat() == "2021-03-04T10:00:00+00:00"


def test_imported_incident_has_only_an_imported_from_note_in_its_timeline(run_import):
    run_import(HEADER + csv_row())
    texts = list(TimelineEntry.objects.values_list("text", flat=True))
    assert texts == ["Imported from history.csv."]


def test_reimporting_an_external_id_updates_instead_of_duplicating(run_import):
    run_import(HEADER + csv_row(title="First title"))
    report = run_import(HEADER + csv_row(title="Second title"))
    assert report.updated == ["JIRA-1"]
    assert list(Incident.objects.values_list("title", flat=True)) == ["Second title"]


def test_services_are_matched_case_insensitively_and_created_when_missing(run_import):
    Service.objects.create(name="GitHub", team="Platform")
    run_import(HEADER + csv_row(services="Github; status-page"))
    incident = Incident.objects.get()
    assert sorted(incident.services.values_list("name", flat=True)) == ["GitHub", "status-page"]


def test_categories_named_twice_in_different_case_are_one(run_import):
    run_import(HEADER + csv_row(categories="Capacity;capacity"))
    assert list(Category.objects.values_list("name", flat=True)) == ["Capacity"]


def test_empty_severity_and_detection_source_import_as_unknown(run_import):
    run_import(HEADER + csv_row(severity="", detection_source=""))
    incident = Incident.objects.get()
    assert (incident.severity, incident.detection_source) == (Severity.UNKNOWN, DetectionSource.UNKNOWN)


def test_unknown_severity_shows_as_sev_question_mark(run_import):
    run_import(HEADER + csv_row(severity=""))
    assert Incident.objects.get().get_severity_display() == "SEV-?"


def test_bad_row_is_reported_with_its_line_and_the_column(run_import):
    report = run_import(HEADER + csv_row() + csv_row(external_id="JIRA-2", severity="SEV-7"))
    assert [str(error) for error in report.errors] == [
        "line 3 (JIRA-2): severity: 'SEV-7' is not SEV-1 … SEV-4, 1 … 4 or empty (unknown)."
    ]


def test_line_numbers_count_lines_inside_multiline_cells(run_import):
    text = HEADER + csv_row(summary="one\ntwo\nthree") + csv_row(external_id="JIRA-2", title="")
    report = run_import(text)
    assert report.errors[0].position == "line 5"


def test_a_file_with_a_bad_row_imports_nothing(run_import):
    run_import(HEADER + csv_row() + csv_row(external_id="JIRA-2", started="yesterday"))
    assert not Incident.objects.exists()


def test_skip_errors_imports_the_good_rows(run_import):
    run_import(HEADER + csv_row() + csv_row(external_id="JIRA-2", started="yesterday"), skip_errors=True)
    assert list(Incident.objects.values_list("external_id", flat=True)) == ["JIRA-1"]


def test_dry_run_reports_without_writing(run_import):
    report = run_import(HEADER + csv_row(), dry_run=True)
    assert (report.created, Incident.objects.count()) == (["JIRA-1"], 0)


def test_timestamps_out_of_order_are_a_row_error(run_import):
    report = run_import(HEADER + csv_row(resolved="2021-03-04T09:00:00Z"))
    assert "resolved_at" in report.errors[0].reason


def test_naive_times_are_read_in_the_given_zone(run_import):
    import zoneinfo

    from transfer.services import import_incident_history

    text = HEADER + csv_row(
        started="2021-03-04T10:00:00",
        **{"detected_at": "", "acknowledged_at": "", "mitigated_at": ""},
        resolved="",
    )
    text = text.replace(",resolved,", ",investigating,")
    import_incident_history(
        content=text.encode(), filename="f.csv", file_format="csv", zone=zoneinfo.ZoneInfo("Europe/Paris")
    )
    assert Incident.objects.get().started_at.isoformat() == "2021-03-04T09:00:00+00:00"


def test_unknown_column_refuses_the_file(run_import):
    with pytest.raises(UnreadableFile, match="Unknown column priority"):
        run_import("external_id,title,priority\nA,B,C\n")


def test_postmortem_keeps_its_status_and_publication_time(run_import):
    run_import(
        HEADER
        + csv_row(
            postmortem="# What happened\n\nA bad deploy.",
            postmortem_status="published",
            published_at="2021-03-06T09:00:00Z",
        )
    )
    postmortem = Postmortem.objects.get()
    assert (postmortem.status, postmortem.published_at.isoformat()) == (
        "published",
        "2021-03-06T09:00:00+00:00",
    )


def test_imported_postmortem_has_a_revision(run_import):
    run_import(HEADER + csv_row(postmortem="Text"))
    assert Postmortem.objects.get().revisions.count() == 1


def test_published_postmortem_without_published_at_is_a_row_error(run_import):
    report = run_import(HEADER + csv_row(postmortem="Text", postmortem_status="published"))
    assert report.errors[0].reason == "published_at: required for a published postmortem."


def test_json_action_items_are_imported_with_their_owner(run_import, editor):
    record = {
        "external_id": "PD-7",
        "title": "Queue backlog",
        "severity": 3,
        "started_at": "2022-01-01T00:00:00Z",
        "resolved_at": "2022-01-01T03:00:00Z",
        "postmortem": "Body",
        "action_items": [{"title": "Add alert", "owner": "eddie", "status": "done", "kind": "detect"}],
    }
    run_import(json.dumps([record]), file_format="json", filename="h.json")
    item = ActionItem.objects.get()
    assert (item.owner, item.status, item.completed_at is not None) == (editor, "done", True)


def test_json_record_with_an_unknown_key_refuses_the_file(run_import):
    with pytest.raises(UnreadableFile):
        run_import(json.dumps([{"external_id": "A", "titel": "typo"}]), file_format="json")


def test_imported_incidents_are_searchable_at_once(run_import):
    run_import(HEADER + csv_row(title="Certificate expiry on the CDN"))
    assert SearchDocument.objects.filter(kind="incident", title__contains="Certificate expiry").exists()


def test_imported_postmortems_are_searchable_at_once(run_import):
    run_import(HEADER + csv_row(postmortem="The intermediate certificate lapsed."))
    document = SearchDocument.objects.get(kind="postmortem")
    assert "intermediate certificate" in document.body


def test_reimport_leaves_one_search_document_per_incident(run_import):
    run_import(HEADER + csv_row())
    run_import(HEADER + csv_row(title="Renamed"))
    assert SearchDocument.objects.filter(kind="incident").count() == 1


def test_source_url_is_kept_on_the_incident(run_import):
    run_import(HEADER + csv_row(url="https://wiki.example.com/incidents/1"))
    assert Incident.objects.get().source_url == "https://wiki.example.com/incidents/1"


def test_an_import_shows_on_insights_at_once(run_import, viewer_client):
    """Imports write in bulk (no model signals); Insights' cached figures must still move."""

    def incidents_on_insights():
        overall = viewer_client.get(reverse("insights:index")).context["overall"]
        return overall[0].incidents if overall else 0

    before = incidents_on_insights()
    run_import(HEADER + csv_row())
    assert incidents_on_insights() == before + 1
