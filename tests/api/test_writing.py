"""Writing through the API: the role decides (a viewer's token cannot write), bad input comes back as JSON naming
the field, and a write does what the same action on the page does (the services are shared)."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from incidents.models import Incident, Status, StatusUpdate, TimelineEntry
from postmortems.models import ActionItem
from tests.conftest import make_user


@pytest.fixture
def writes(make_incident, make_action_item, service, postmortem):
    """Every write endpoint with a body it would accept, for the permission checks."""
    incident = make_incident(services=[service], status=Status.INVESTIGATING)
    item = make_action_item()
    return [
        (
            "/api/v1/incidents/",
            {"title": "Checkout down", "severity": 1, "services": [service.pk]},
            "responder",
        ),
        (f"/api/v1/incidents/{incident.pk}/status/", {"status": "identified"}, "responder"),
        (f"/api/v1/incidents/{incident.pk}/timeline/", {"text": "Rolled back"}, "responder"),
        (
            f"/api/v1/incidents/{incident.pk}/status-updates/",
            {"kind": "initial", "headline": "Checkout errors", "message": "We are looking."},
            "responder",
        ),
        ("/api/v1/action-items/", {"postmortem": postmortem.pk, "title": "Add an alert"}, "editor"),
        (f"/api/v1/action-items/{item.pk}/assign/", {"owner": None}, "editor"),
        (f"/api/v1/action-items/{item.pk}/status/", {"status": "done"}, "editor"),
    ]


def test_a_viewers_token_cannot_write(viewer_api, writes):
    statuses = {url: viewer_api.post(url, body, format="json").status_code for url, body, _ in writes}
    assert set(statuses.values()) == {403}


def test_no_token_cannot_write(client, writes):
    statuses = {
        url: client.post(url, body, content_type="application/json").status_code for url, body, _ in writes
    }
    assert set(statuses.values()) == {401}


def test_a_responders_token_cannot_change_action_items(responder_api, writes):
    editors_only = [(url, body) for url, body, least in writes if least == "editor"]
    statuses = {url: responder_api.post(url, body, format="json").status_code for url, body in editors_only}
    assert set(statuses.values()) == {403}


def test_each_write_succeeds_with_the_role_it_needs(responder_api, editor_api, writes):
    clients = {"responder": responder_api, "editor": editor_api}
    statuses = {url: clients[least].post(url, body, format="json").status_code for url, body, least in writes}
    assert set(statuses.values()) <= {200, 201}


def test_declaring_makes_the_token_owner_commander(responder_api, service):
    body = responder_api.post(
        "/api/v1/incidents/",
        {"title": "Checkout down", "severity": 1, "services": [service.pk]},
        format="json",
    ).json()
    assert body["commander"] == "api-responder"


def test_declaring_writes_the_declaration_into_the_timeline(responder_api, service):
    responder_api.post(
        "/api/v1/incidents/",
        {"title": "Checkout down", "severity": 2, "services": [service.pk]},
        format="json",
    )
    entry = TimelineEntry.objects.get(incident__title="Checkout down")
    assert entry.text.startswith("Incident declared as SEV-2")


def test_a_missing_field_is_named_in_the_error(responder_api, service):
    response = responder_api.post(
        "/api/v1/incidents/", {"severity": 1, "services": [service.pk]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["title"]


def test_an_unknown_service_is_named_in_the_error(responder_api, db):
    response = responder_api.post(
        "/api/v1/incidents/", {"title": "x", "severity": 1, "services": [999]}, format="json"
    )
    assert "services" in response.json()


def test_history_severity_cannot_be_declared(responder_api, service):
    response = responder_api.post(
        "/api/v1/incidents/", {"title": "x", "severity": 9, "services": [service.pk]}, format="json"
    )
    assert "severity" in response.json()


def test_changing_status_fills_the_times_it_implies(responder_api, make_incident, service):
    incident = make_incident(services=[service], status=Status.INVESTIGATING, acknowledged_at=None)
    responder_api.post(f"/api/v1/incidents/{incident.pk}/status/", {"status": "resolved"}, format="json")
    incident.refresh_from_db()
    assert incident.resolved_at is not None


def test_an_unknown_status_is_named_in_the_error(responder_api, make_incident, service):
    incident = make_incident(services=[service])
    response = responder_api.post(
        f"/api/v1/incidents/{incident.pk}/status/", {"status": "done"}, format="json"
    )
    assert "status" in response.json()


def test_a_timeline_entry_is_recorded_with_its_author(responder_api, make_incident, service):
    incident = make_incident(services=[service])
    responder_api.post(
        f"/api/v1/incidents/{incident.pk}/timeline/", {"kind": "action", "text": "Rolled back"}, format="json"
    )
    assert incident.timeline.get(text="Rolled back").author.username == "api-responder"


def test_an_empty_timeline_entry_is_named_in_the_error(responder_api, make_incident, service):
    incident = make_incident(services=[service])
    response = responder_api.post(f"/api/v1/incidents/{incident.pk}/timeline/", {"text": ""}, format="json")
    assert "text" in response.json()


def test_a_status_update_is_posted(responder_api, make_incident, service):
    incident = make_incident(services=[service], status=Status.INVESTIGATING)
    responder_api.post(
        f"/api/v1/incidents/{incident.pk}/status-updates/",
        {"kind": "initial", "visibility": "public", "headline": "Checkout errors", "message": "Looking."},
        format="json",
    )
    assert StatusUpdate.objects.get(incident=incident).headline == "Checkout errors"


def test_a_resolved_incident_may_post_only_its_resolution_notice(responder_api, make_incident, service):
    incident = make_incident(services=[service])
    response = responder_api.post(
        f"/api/v1/incidents/{incident.pk}/status-updates/",
        {"kind": "update", "headline": "Still fine", "message": "x"},
        format="json",
    )
    assert "kind" in response.json()


def test_an_action_item_is_created_on_its_postmortem(editor_api, postmortem):
    editor_api.post(
        "/api/v1/action-items/",
        {"postmortem": postmortem.pk, "title": "Alert on pool saturation", "owner": "api-editor"},
        format="json",
    )
    assert postmortem.action_items.get().owner.username == "api-editor"


def test_assigning_names_the_owner_by_username(editor_api, make_action_item):
    item = make_action_item()
    owner = make_user("olga")
    editor_api.post(f"/api/v1/action-items/{item.pk}/assign/", {"owner": "olga"}, format="json")
    item.refresh_from_db()
    assert item.owner == owner


def test_an_unknown_owner_is_named_in_the_error(editor_api, make_action_item):
    item = make_action_item()
    response = editor_api.post(f"/api/v1/action-items/{item.pk}/assign/", {"owner": "nobody"}, format="json")
    assert "owner" in response.json()


def test_closing_an_action_item_records_when(editor_api, make_action_item):
    item = make_action_item()
    editor_api.post(f"/api/v1/action-items/{item.pk}/status/", {"status": "done"}, format="json")
    item.refresh_from_db()
    assert item.completed_at <= timezone.now()


def test_wont_do_without_a_reason_is_named_in_the_error(editor_api, make_action_item):
    item = make_action_item()
    response = editor_api.post(
        f"/api/v1/action-items/{item.pk}/status/", {"status": "wont_do"}, format="json"
    )
    assert list(response.json()) == ["wont_do_reason"]


def test_wont_do_keeps_its_reason(editor_api, make_action_item):
    item = make_action_item()
    editor_api.post(
        f"/api/v1/action-items/{item.pk}/status/",
        {"status": "wont_do", "wont_do_reason": "The service is retired."},
        format="json",
    )
    assert ActionItem.objects.get(pk=item.pk).wont_do_reason == "The service is retired."


def test_a_viewers_refused_write_changes_nothing(viewer_api, writes):
    before = Incident.objects.count(), ActionItem.objects.count(), TimelineEntry.objects.count()
    for url, body, _ in writes:
        viewer_api.post(url, body, format="json")
    assert (Incident.objects.count(), ActionItem.objects.count(), TimelineEntry.objects.count()) == before


def test_a_revoked_token_cannot_write(writes, responder):
    token, secret = ApiToken.issue(user=responder, name="old")
    token.revoke()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    statuses = {url: client.post(url, body, format="json").status_code for url, body, _ in writes}
    assert set(statuses.values()) == {401}
