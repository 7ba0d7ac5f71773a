"""Drills and game days: recorded like the real thing, marked everywhere, kept out of the real figures."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, Kind, Status, StatusUpdate
from insights.metrics import drills_per_team
from runbooks.models import Runbook, RunbookUsage

pytestmark = pytest.mark.django_db


@pytest.fixture
def runbook(service):
    runbook = Runbook.objects.create(title="Fail over checkout", body="1. Flip the flag")
    runbook.services.set([service])
    return runbook


def test_editor_practises_a_runbook_and_gets_a_drill(editor_client, runbook, editor):
    response = editor_client.post(reverse("runbooks:practise", args=[runbook.slug]))
    drill = Incident.objects.get()
    assert response["Location"] == drill.get_absolute_url()
    assert drill.kind == Kind.DRILL
    assert drill.practised_runbook == runbook
    assert list(drill.services.all()) == list(runbook.services.all())


def test_responder_cannot_practise_a_runbook(responder_client, runbook):
    response = responder_client.post(reverse("runbooks:practise", args=[runbook.slug]))
    assert response.status_code == 403
    assert not Incident.objects.exists()


def test_viewer_does_not_see_practise_button(viewer_client, runbook):
    body = viewer_client.get(runbook.get_absolute_url()).content.decode()
    assert "Practise this runbook" not in body


def test_drill_that_helped_marks_the_runbook_reviewed(editor_client, runbook):
    editor_client.post(reverse("runbooks:practise", args=[runbook.slug]))
    drill = Incident.objects.get()
    editor_client.post(
        reverse("runbooks:record_usage", args=[drill.pk]), {"runbook": runbook.slug, "outcome": "helped"}
    )
    runbook.refresh_from_db()
    assert runbook.last_reviewed_at is not None


def test_drill_that_did_not_help_flags_the_runbook(editor_client, runbook):
    editor_client.post(reverse("runbooks:practise", args=[runbook.slug]))
    drill = Incident.objects.get()
    editor_client.post(
        reverse("runbooks:record_usage", args=[drill.pk]),
        {"runbook": runbook.slug, "outcome": RunbookUsage.Outcome.DIDNT_HELP, "note": "Step 3 is wrong"},
    )
    assert Runbook.objects.needs_update().filter(pk=runbook.pk).exists()


def test_drill_is_badged_on_the_incident_list(viewer_client, make_incident):
    make_incident(kind=Kind.GAME_DAY, title="Chaos in the queue")
    body = viewer_client.get(reverse("incidents:list")).content.decode()
    assert 'class="tag tag--practice">Game day' in body


def test_kind_filter_separates_real_from_practice(viewer_client, make_incident):
    make_incident(kind=Kind.DRILL, title="Practice run")
    make_incident(title="Real outage")
    body = viewer_client.get(reverse("incidents:list"), {"kind": "real"}).content.decode()
    assert "Practice run" not in body
    assert "Real outage" in body


def test_open_drill_is_not_on_home(viewer_client, make_incident):
    make_incident(kind=Kind.DRILL, status=Status.INVESTIGATING, title="Drill on the home page")
    body = viewer_client.get(reverse("home")).content.decode()
    assert "Drill on the home page" not in body


def test_drill_with_public_update_is_not_on_the_status_page(client, make_incident):
    drill = make_incident(kind=Kind.DRILL, status=Status.INVESTIGATING)
    StatusUpdate.objects.create(
        incident=drill, status=Status.INVESTIGATING, headline="Pretend outage of payments", message="m"
    )
    assert "Pretend outage" not in client.get(reverse("status:page")).content.decode()
    assert client.get(reverse("status:incident", args=[drill.pk])).status_code == 404


def test_drills_are_out_of_insights_unless_included(viewer_client, make_incident):
    make_incident(kind=Kind.DRILL)
    make_incident()
    default = viewer_client.get(reverse("insights:index")).context["overall"][0]
    included = viewer_client.get(reverse("insights:index"), {"practice": "on"}).context["overall"][0]
    assert default.incidents == 1
    assert included.incidents == 2


def test_teams_that_have_not_practised_are_named(make_incident, service):
    report = drills_per_team(Incident.objects.practice())
    assert report.not_practised == ["Payments"]


def test_drill_this_quarter_meets_the_target(make_incident, service):
    make_incident(kind=Kind.TABLETOP, services=[service], started_at=timezone.now() - timedelta(hours=3))
    report = drills_per_team(Incident.objects.practice())
    assert report.teams[0].per_quarter[-1] == 1
