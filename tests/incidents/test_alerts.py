"""Alertmanager webhook: good payloads open and annotate incidents; bad ones get a clear 4xx and change nothing."""

import json

import pytest
from django.urls import reverse

from incidents.alerts import MAX_BODY_BYTES
from incidents.models import AlertEvent, Incident, Service, Status, TimelineEntry

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-alert-token"


@pytest.fixture(autouse=True)
def alert_token(settings):
    settings.HINDSIGHT_ALERTMANAGER_TOKEN = TOKEN


def alert(status="firing", severity="critical", service="checkout-api", starts="2026-11-25T10:00:00Z",
          fingerprint="abc123", name="CheckoutErrorRate"):
    return {
        "status": status,
        "labels": {"alertname": name, "severity": severity, "service": service, "env": "prod"},
        "annotations": {"summary": "5xx above 5% for 5 minutes", "description": "Checkout returns 502s."},
        "startsAt": starts, "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://prom/graph",
        "fingerprint": fingerprint,
    }


def payload(*alerts, group_key='{}:{alertname="CheckoutErrorRate"}', status="firing"):
    return {
        "version": "4", "groupKey": group_key, "truncatedAlerts": 0, "status": status, "receiver": "hindsight",
        "groupLabels": {"alertname": "CheckoutErrorRate"}, "commonLabels": {}, "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093", "alerts": list(alerts) or [alert()],
    }


def post(client, body, token=TOKEN, raw=False):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    data = body if raw else json.dumps(body)
    return client.post(reverse("api:alertmanager"), data=data, content_type="application/json", **headers)


@pytest.fixture
def checkout(db):
    return Service.objects.create(name="checkout-api", team="Payments")


def test_firing_alert_opens_an_incident_with_mapped_severity_and_service(client, checkout):
    response = post(client, payload())
    assert response.status_code == 200
    incident = Incident.objects.get()
    assert response.json()["opened"] == [incident.pk]
    assert incident.title == "CheckoutErrorRate: 5xx above 5% for 5 minutes"
    assert incident.severity == 1
    assert incident.status == Status.INVESTIGATING
    assert incident.detection_source == "alert"
    assert list(incident.services.all()) == [checkout]
    assert incident.started_at.isoformat() == "2026-11-25T10:00:00+00:00"
    assert "Opened by Alertmanager" in incident.timeline.get().text


@pytest.mark.parametrize("label, severity", [("critical", 1), ("major", 2), ("warning", 3), ("info", 4),
                                             ("something-else", 3)])
def test_severity_label_maps_to_sev_levels(client, checkout, label, severity):
    post(client, payload(alert(severity=label)))
    assert Incident.objects.get().severity == severity


def test_unknown_service_still_opens_the_incident_and_says_so(client):
    post(client, payload(alert(service="nonexistent")))
    incident = Incident.objects.get()
    assert not incident.services.exists()
    assert "No service is named 'nonexistent'" in incident.timeline.get().text


def test_second_firing_alert_in_same_group_adds_to_the_open_incident(client, checkout):
    post(client, payload(alert(fingerprint="one")))
    response = post(client, payload(alert(fingerprint="two", starts="2026-11-25T10:05:00Z")))
    incident = Incident.objects.get()
    assert response.json()["updated"] == [incident.pk]
    assert incident.timeline.count() == 2
    assert "CheckoutErrorRate firing" in incident.timeline.last().text


def test_resolved_alert_adds_a_timeline_entry(client, checkout):
    post(client, payload())
    response = post(client, payload(alert(status="resolved"), status="resolved"))
    assert response.status_code == 200
    incident = Incident.objects.get()
    assert incident.timeline.filter(text__contains="CheckoutErrorRate resolved").count() == 1
    assert incident.status == Status.INVESTIGATING  # people decide when it is resolved


def test_replaying_the_same_payload_creates_nothing_twice(client, checkout):
    post(client, payload())
    post(client, payload(alert(status="resolved"), status="resolved"))
    counts = (Incident.objects.count(), TimelineEntry.objects.count(), AlertEvent.objects.count())
    again = post(client, payload())
    again_resolved = post(client, payload(alert(status="resolved"), status="resolved"))
    assert again.json()["duplicates"] == 1 and again_resolved.json()["duplicates"] == 1
    assert (Incident.objects.count(), TimelineEntry.objects.count(), AlertEvent.objects.count()) == counts


def test_a_new_firing_after_resolution_opens_a_new_incident(client, checkout):
    post(client, payload())
    Incident.objects.get().change_status(Status.RESOLVED, None)
    post(client, payload(alert(starts="2026-11-25T12:00:00Z")))
    assert Incident.objects.count() == 2


def assert_nothing_written():
    assert not Incident.objects.exists()
    assert not AlertEvent.objects.exists()
    assert not TimelineEntry.objects.exists()


@pytest.mark.parametrize("token, status, message", [
    (None, 401, "Missing bearer token"),
    ("wrong-token", 403, "Invalid bearer token."),
])
def test_bad_token_is_refused(client, checkout, token, status, message):
    response = post(client, payload(), token=token)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert_nothing_written()


def test_webhook_is_off_without_a_configured_token(client, settings):
    settings.HINDSIGHT_ALERTMANAGER_TOKEN = ""
    response = post(client, payload(), token="")
    assert response.status_code == 503
    assert "HINDSIGHT_ALERTMANAGER_TOKEN" in response.json()["error"]
    assert_nothing_written()


@pytest.mark.parametrize("body, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "Expected a JSON object"),
    (json.dumps({**payload(), "version": "3"}), "Unsupported payload version"),
    (json.dumps({k: v for k, v in payload().items() if k != "groupKey"}), "Missing field: groupKey"),
    (json.dumps({**payload(), "alerts": []}), "Missing field: alerts"),
    (json.dumps(payload({**alert(), "startsAt": "yesterday"})), "alerts[0].startsAt"),
    (json.dumps(payload({**alert(), "status": "exploding"})), "alerts[0].status"),
    (json.dumps(payload({**alert(), "labels": {"severity": "critical"}})), "alerts[0].labels.alertname"),
])
def test_malformed_payloads_get_a_clear_400(client, checkout, body, message):
    response = post(client, body, raw=True)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert_nothing_written()


def test_one_bad_alert_rejects_the_whole_payload(client, checkout):
    response = post(client, payload(alert(), {**alert(fingerprint="x"), "startsAt": None}))
    assert response.status_code == 400
    assert_nothing_written()


def test_oversized_body_is_refused_before_parsing(client, checkout):
    big = payload(alert())
    big["padding"] = "x" * (MAX_BODY_BYTES + 10)
    response = post(client, big)
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]
    assert_nothing_written()


def test_get_is_not_allowed(client):
    response = client.get(reverse("api:alertmanager"))
    assert response.status_code == 405
    assert "POST" in response.json()["error"]


def test_webhook_needs_no_csrf_token_or_session(checkout):
    from django.test import Client

    response = post(Client(enforce_csrf_checks=True), payload())
    assert response.status_code == 200
