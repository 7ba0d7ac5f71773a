"""Status updates: drafted from the incident, edited, posted publicly or internally, and kept on cadence."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, Status, StatusUpdate, TimelineEntry
from incidents.services import change_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_incident(make_incident, service):
    incident = make_incident(
        services=[service],
        status=Status.IDENTIFIED,
        severity=1,
        title="Checkout 502s",
        customer_impact="Card payments fail for about a third of customers.",
        started_at=timezone.now() - timedelta(minutes=20),
    )
    incident.timeline.create(kind=TimelineEntry.Kind.ACTION, text="Rolled back payments-gateway to 2024.11.2")
    return incident


def draft_url(incident, kind):
    return f"{reverse('incidents:status_update', args=[incident.pk])}?kind={kind}"


def test_initial_draft_is_built_from_the_incident(responder_client, open_incident):
    response = responder_client.get(draft_url(open_incident, "initial"))
    form = response.context["form"]
    message = form.initial["message"]
    assert "checkout-api" in message
    assert "Card payments fail for about a third of customers." in message
    assert "identified the cause" in message
    assert "Rolled back payments-gateway to 2024.11.2" in message
    assert "Next update by" in message
    assert form.initial["headline"] == "Problems with checkout-api"  # not the internal title
    # The next update is due one SEV-1 cadence (30 min) from now.
    assert timedelta(minutes=29) < form.initial["next_update_at"] - timezone.now() <= timedelta(minutes=30)


def test_update_and_resolution_drafts_say_different_things(responder_client, open_incident):
    update = responder_client.get(draft_url(open_incident, "update")).context["form"].initial["message"]
    assert update.startswith("Update on the problem affecting checkout-api")
    change_status(incident=open_incident, status=Status.RESOLVED, by=None)
    resolution = responder_client.get(draft_url(open_incident, "resolution")).context["form"].initial
    assert "has been resolved after" in resolution["message"]
    assert resolution["next_update_at"] is None


def test_resolution_draft_rounds_how_long_the_incident_lasted(responder_client, make_incident, service):
    started = timezone.now() - timedelta(hours=5)
    incident = make_incident(
        services=[service],
        started_at=started,
        detected_at=started,
        acknowledged_at=started,
        mitigated_at=started,
        resolved_at=started + timedelta(minutes=241.8),
    )
    message = responder_client.get(draft_url(incident, "resolution")).context["form"].initial["message"]
    assert "resolved after 4 h 2 min." in message


def test_posting_records_the_update_and_a_timeline_entry(responder_client, responder, open_incident):
    response = responder_client.post(
        reverse("incidents:status_update", args=[open_incident.pk]),
        {
            "kind": "initial",
            "visibility": "public",
            "headline": "Payments failing",
            "message": "We are aware card payments fail. Edited by hand.",
            "next_update_at": "",
        },
    )
    assert response.status_code == 302
    update = StatusUpdate.objects.get(incident=open_incident)
    assert (update.kind, update.visibility, update.status, update.author) == (
        "initial",
        "public",
        Status.IDENTIFIED,
        responder,
    )
    assert update.message == "We are aware card payments fail. Edited by hand."
    entry = open_incident.timeline.get(kind=TimelineEntry.Kind.COMMUNICATION)
    assert entry.text.startswith("Public initial posted: Payments failing")
    page = responder_client.get(open_incident.get_absolute_url()).content.decode()
    assert "We are aware card payments fail. Edited by hand." in page


def test_internal_update_is_marked_internal(responder_client, open_incident):
    responder_client.post(
        reverse("incidents:status_update", args=[open_incident.pk]),
        {
            "kind": "update",
            "visibility": "internal",
            "headline": "Staff note",
            "message": "Still rolling back.",
        },
    )
    assert StatusUpdate.objects.get().visibility == "internal"
    assert open_incident.timeline.filter(text__startswith="Internal update posted: Staff note").exists()


def test_bad_update_keeps_the_text_and_shows_errors(responder_client, open_incident):
    past = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = responder_client.post(
        reverse("incidents:status_update", args=[open_incident.pk]),
        {
            "kind": "update",
            "visibility": "public",
            "headline": "",
            "message": "My careful words",
            "next_update_at": past,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "My careful words" in body
    assert "The next update time is in the past." in body
    assert "This field is required." in body
    assert not StatusUpdate.objects.exists()


def test_viewer_cannot_draft_or_post(viewer_client, open_incident):
    url = reverse("incidents:status_update", args=[open_incident.pk])
    assert viewer_client.get(url).status_code == 403
    response = viewer_client.post(
        url, {"kind": "update", "visibility": "public", "headline": "x", "message": "y"}
    )
    assert response.status_code == 403
    assert not StatusUpdate.objects.exists()
    assert "Draft status update" not in viewer_client.get(open_incident.get_absolute_url()).content.decode()


def test_a_resolved_incident_offers_only_its_resolution_notice(responder_client, open_incident):
    change_status(incident=open_incident, status=Status.RESOLVED, by=None)
    page = responder_client.get(open_incident.get_absolute_url()).content.decode()
    assert "Draft status update" not in page
    assert "Draft resolution notice" in page


def test_drafting_a_resolved_incident_offers_no_other_kind(responder_client, open_incident):
    change_status(incident=open_incident, status=Status.RESOLVED, by=None)
    form = responder_client.get(draft_url(open_incident, "update")).context["form"]
    assert [value for value, _ in form.fields["kind"].choices] == ["resolution"]


def test_a_resolved_incident_refuses_an_ordinary_update(responder_client, open_incident):
    change_status(incident=open_incident, status=Status.RESOLVED, by=None)
    response = responder_client.post(
        reverse("incidents:status_update", args=[open_incident.pk]),
        {
            "kind": "update",
            "visibility": "public",
            "headline": "Still broken?",
            "message": "No.",
        },
    )
    assert response.status_code == 400
    assert not StatusUpdate.objects.exists()


def test_once_the_resolution_notice_is_posted_nothing_more_is_offered(responder_client, open_incident):
    change_status(incident=open_incident, status=Status.RESOLVED, by=None)
    StatusUpdate.objects.create(
        incident=open_incident,
        kind="resolution",
        status=Status.RESOLVED,
        headline="Fixed",
        message="Resolved.",
    )
    page = responder_client.get(open_incident.get_absolute_url()).content.decode()
    assert "Draft resolution notice" not in page
    assert "Draft status update" not in page


def test_drafting_after_the_resolution_notice_goes_back_to_the_incident(responder_client, open_incident):
    change_status(incident=open_incident, status=Status.RESOLVED, by=None)
    StatusUpdate.objects.create(
        incident=open_incident,
        kind="resolution",
        status=Status.RESOLVED,
        headline="Fixed",
        message="Resolved.",
    )
    response = responder_client.get(draft_url(open_incident, "resolution"))
    assert response.status_code == 302
    assert response["Location"] == open_incident.get_absolute_url()


def test_an_open_incident_may_draft_every_kind(responder_client, open_incident):
    form = responder_client.get(draft_url(open_incident, "update")).context["form"]
    assert [value for value, _ in form.fields["kind"].choices] == ["initial", "update", "resolution"]


def post_update(incident, minutes_ago, visibility="public"):
    return StatusUpdate.objects.create(
        incident=incident,
        kind="update",
        visibility=visibility,
        status=incident.status,
        headline="h",
        message="m",
        posted_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_cadence_flags_an_open_incident_whose_last_update_is_too_old(make_incident, service, viewer_client):
    now = timezone.now()
    sev1_stale = make_incident(
        services=[service], severity=1, status=Status.INVESTIGATING, started_at=now - timedelta(hours=2)
    )
    post_update(sev1_stale, minutes_ago=31)
    sev1_fresh = make_incident(
        services=[service], severity=1, status=Status.INVESTIGATING, started_at=now - timedelta(hours=2)
    )
    post_update(sev1_fresh, minutes_ago=10)
    sev2_within = make_incident(
        services=[service], severity=2, status=Status.MONITORING, started_at=now - timedelta(hours=2)
    )
    post_update(sev2_within, minutes_ago=45)  # SEV-2 cadence is 60 min
    never_updated = make_incident(
        services=[service], severity=3, status=Status.INVESTIGATING, started_at=now - timedelta(hours=5)
    )  # detected 4 h 55 min ago, cadence 4 h
    resolved = make_incident(services=[service], severity=1, started_at=now - timedelta(days=3))

    overdue = set(Incident.objects.update_overdue())
    assert overdue == {sev1_stale, never_updated}
    assert resolved not in overdue

    stale_page = viewer_client.get(sev1_stale.get_absolute_url()).content.decode()
    assert "Update overdue by" in stale_page
    assert "need an update every 30 min" in stale_page
    assert "Update overdue" not in viewer_client.get(sev1_fresh.get_absolute_url()).content.decode()


def test_incident_page_query_count_does_not_grow_with_updates(viewer_client, open_incident):
    post_update(open_incident, 5)
    with CaptureQueriesContext(connection) as few:
        viewer_client.get(open_incident.get_absolute_url())
    for minutes in range(6, 40):
        post_update(open_incident, minutes)
    with CaptureQueriesContext(connection) as many:
        viewer_client.get(open_incident.get_absolute_url())
    assert len(many) == len(few)


def test_demo_status_updates_are_idempotent_and_show_on_the_status_page(client):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    updates = StatusUpdate.objects.count()
    assert StatusUpdate.objects.public().exists()
    assert updates == 2 * Incident.objects.open().count()
    call_command("seed_demo", verbosity=0)
    assert StatusUpdate.objects.count() == updates
    body = client.get(reverse("status:page")).content.decode()
    assert "ongoing incident" in body
    assert "Support has a macro" not in body  # the internal note stays internal
