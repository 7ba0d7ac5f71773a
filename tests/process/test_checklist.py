"""The initial response checklist: derived from the incident's data, ticked by responders where data can't tell."""

from datetime import timedelta

import pytest
from django.urls import reverse

from incidents.checklist import checklist_for, facts_for_incident, facts_for_row
from incidents.models import (
    ChecklistItem,
    Incident,
    IncidentChecklistTick,
    Status,
    StatusUpdate,
    TimelineEntry,
)
from incidents.services import status_change_text
from insights.metrics import checklist_compliance
from postmortems.models import Postmortem
from tests.incidents.test_pages import edit_payload

pytestmark = pytest.mark.django_db


def page_checklist(incident):
    return checklist_for(
        Incident.objects.prefetch_related("timeline", "status_updates", "smes", "checklist_ticks").get(
            pk=incident.pk
        )
    )


def line(checklist, item):
    return next(line for line in checklist.lines if line.item == item)


def test_bare_incident_misses_channel_team_and_postmortem(make_incident, responder):
    incident = make_incident(commander=responder)
    checklist = page_checklist(incident)
    assert line(checklist, ChecklistItem.CHANNEL).done is False
    assert line(checklist, ChecklistItem.TEAM).missing == "Nobody in a second role yet."
    assert line(checklist, ChecklistItem.ACKNOWLEDGED).done is True
    assert line(checklist, ChecklistItem.POSTMORTEM).done is False


def test_fully_run_incident_completes_the_checklist(make_incident, responder, editor, settings):
    settings.HINDSIGHT_CHECKLIST_MIN_TIMELINE_ENTRIES = 3
    incident = make_incident(
        commander=responder, scribe=editor, chat_channel_url="https://chat.example.com/inc", timeline=3
    )
    TimelineEntry.objects.filter(incident=incident).update(kind=TimelineEntry.Kind.ACTION)
    TimelineEntry.objects.create(
        incident=incident,
        occurred_at=incident.detected_at + timedelta(minutes=30),
        kind=TimelineEntry.Kind.STATUS_CHANGE,
        text=status_change_text("Monitoring", "Resolved", "Error rate back to 0."),
        author=responder,
    )
    StatusUpdate.objects.create(
        incident=incident,
        status=Status.INVESTIGATING,
        headline="Checkout problems",
        message="Looking",
        posted_at=incident.detected_at + timedelta(minutes=10),
    )
    Postmortem.objects.create(incident=incident, title="What happened")
    checklist = page_checklist(incident)
    assert checklist.missed == []
    assert checklist.score == 1.0


def test_late_first_update_is_missing_with_how_late(make_incident):
    incident = make_incident()
    StatusUpdate.objects.create(
        incident=incident,
        status=Status.INVESTIGATING,
        headline="h",
        message="m",
        posted_at=incident.detected_at + timedelta(minutes=40),
    )
    assert "after 40 min" in line(page_checklist(incident), ChecklistItem.COMMUNICATED).missing


def test_responder_ticks_an_item_on_an_open_incident(responder_client, make_incident):
    incident = make_incident(status=Status.INVESTIGATING)
    response = responder_client.post(
        reverse("incidents:tick_checklist", args=[incident.pk]), {"item": "channel", "note": ""}
    )
    assert response.status_code == 302
    assert line(page_checklist(incident), ChecklistItem.CHANNEL).done is True


def test_tick_on_resolved_incident_without_note_is_refused_with_a_message(responder_client, make_incident):
    incident = make_incident()
    response = responder_client.post(
        reverse("incidents:tick_checklist", args=[incident.pk]), {"item": "channel"}, follow=True
    )
    assert "add a note saying how you know" in response.content.decode()
    assert not IncidentChecklistTick.objects.exists()


def test_tick_on_resolved_incident_with_note_is_recorded(responder_client, make_incident):
    incident = make_incident()
    responder_client.post(
        reverse("incidents:tick_checklist", args=[incident.pk]), {"item": "channel", "note": "It was #inc-1"}
    )
    assert IncidentChecklistTick.objects.get().note == "It was #inc-1"


def test_unknown_item_is_refused_not_a_500(responder_client, make_incident):
    incident = make_incident()
    response = responder_client.post(
        reverse("incidents:tick_checklist", args=[incident.pk]),
        {"item": "nonsense", "note": "x"},
        follow=True,
    )
    assert "not an item of the checklist" in response.content.decode()


def test_viewer_cannot_tick(viewer_client, make_incident):
    incident = make_incident()
    response = viewer_client.post(
        reverse("incidents:tick_checklist", args=[incident.pk]), {"item": "channel"}
    )
    assert response.status_code == 403


def test_incident_page_shows_links_and_whats_missing(viewer_client, make_incident):
    incident = make_incident(bridge_url="https://meet.example.com/abc")
    body = viewer_client.get(incident.get_absolute_url()).content.decode()
    assert 'href="https://meet.example.com/abc"' in body
    assert "No postmortem started." in body


def test_edit_form_sets_the_chat_channel(responder_client, make_incident, service):
    incident = make_incident(services=[service])
    response = responder_client.post(
        reverse("incidents:edit", args=[incident.pk]),
        edit_payload(incident, chat_channel_url="https://chat.example.com/c/1"),
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.chat_channel_url == "https://chat.example.com/c/1"


def test_compliance_matches_the_incident_pages(make_incident, service, responder):
    first = make_incident(services=[service], commander=responder, chat_channel_url="https://c.example.com")
    make_incident(services=[service])
    IncidentChecklistTick.objects.create(incident=first, item=ChecklistItem.POSTMORTEM)
    compliance = checklist_compliance(Incident.objects.all())
    expected = sum(page_checklist(i).done for i in Incident.objects.all())
    assert compliance.overall.done == expected


def test_compliance_is_per_team_and_names_the_most_missed_item(make_incident, service):
    make_incident(services=[service])
    compliance = checklist_compliance(Incident.objects.all())
    assert [row.label for row in compliance.by_team] == ["Payments"]
    assert ("Start the postmortem or schedule its review", 1) in compliance.missed


def test_insights_shows_compliance(viewer_client, make_incident, service):
    make_incident(services=[service])
    body = viewer_client.get(reverse("insights:index")).content.decode()
    assert "Response checklist compliance" in body


def test_insights_reads_each_incidents_facts_as_its_page_does(make_incident, responder, editor):
    """Insights reads the facts of many incidents by grouped passes (checklist_fact_rows); every incident's must
    equal what its own page derives from its prefetched rows."""
    run = make_incident(commander=responder, chat_channel_url="https://chat.example.com/inc", timeline=2)
    TimelineEntry.objects.filter(incident=run).update(kind=TimelineEntry.Kind.OBSERVATION)
    TimelineEntry.objects.create(
        incident=run,
        occurred_at=run.detected_at + timedelta(minutes=30),
        kind=TimelineEntry.Kind.STATUS_CHANGE,
        text=status_change_text("Monitoring", "Resolved", "Error rate back to 0."),
    )
    for minutes in (25, 10):
        StatusUpdate.objects.create(
            incident=run,
            status=Status.INVESTIGATING,
            headline="Checkout problems",
            message="Looking",
            posted_at=run.detected_at + timedelta(minutes=minutes),
        )
    run.smes.add(editor)
    Postmortem.objects.create(incident=run, title="What happened")
    bare = make_incident(timeline=1)  # one automatic status line only
    make_incident(severity=0, acknowledged_at=None)
    rows = {row["id"]: facts_for_row(row) for row in Incident.objects.checklist_fact_rows()}
    pages = {
        incident.pk: facts_for_incident(incident)
        for incident in Incident.objects.prefetch_related(
            "timeline", "status_updates", "smes"
        ).select_related("postmortem")
    }
    assert rows == pages
    assert rows[run.pk].investigating_entry  # the incidents differ where the facts come from joined rows
    assert rows[bare.pk].timeline_entries == 1
