"""Alertmanager webhook: good payloads open and annotate incidents; bad ones get a clear 4xx and change nothing."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Alert, Incident, Service, Status, TimelineEntry
from incidents.services import change_status

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-alert-token"


@pytest.fixture(autouse=True)
def alert_token(settings):
    settings.HINDSIGHT_ALERTMANAGER_TOKEN = TOKEN


def minutes_ago(minutes):
    return (timezone.now() - timedelta(minutes=minutes)).isoformat()


STARTS = minutes_ago(30)


def alert(
    status="firing",
    severity="critical",
    service="checkout-api",
    starts=STARTS,
    fingerprint="abc123",
    name="CheckoutErrorRate",
    ends=None,
):
    return {
        "status": status,
        "labels": {"alertname": name, "severity": severity, "service": service, "env": "prod"},
        "annotations": {"summary": "5xx above 5% for 5 minutes", "description": "Checkout returns 502s."},
        "startsAt": starts,
        "endsAt": ends or ("0001-01-01T00:00:00Z" if status == "firing" else minutes_ago(1)),
        "generatorURL": "http://prom/graph",
        "fingerprint": fingerprint,
    }


def payload(*alerts, group_key='{}:{alertname="CheckoutErrorRate"}', status="firing"):
    return {
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "hindsight",
        "groupLabels": {"alertname": "CheckoutErrorRate"},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": list(alerts) or [alert()],
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
    assert incident.started_at.isoformat() == STARTS
    assert incident.timeline.get().text.startswith("Opened by Alertmanager: +1 firing: CheckoutErrorRate")


def test_the_alert_is_stored_with_annotations_labels_and_times(client, checkout):
    post(client, payload())
    stored = Alert.objects.get()
    assert stored.annotations["description"] == "Checkout returns 502s."
    assert stored.labels["env"] == "prod"
    assert stored.generator_url == "http://prom/graph"
    assert stored.starts_at.isoformat() == STARTS
    assert stored.ends_at is None
    assert stored.state == Alert.State.FIRING


@pytest.mark.parametrize(
    "label, severity",
    [
        ("critical", 1),
        ("page", 1),
        ("urgent", 1),
        ("P1", 1),
        ("high", 2),
        ("P2", 2),
        ("major", 2),
        ("warning", 3),
        ("P3", 3),
        ("info", 4),
        ("P4", 4),
        ("P5", 4),
    ],
)
def test_severity_words_map_to_sev_levels(client, checkout, label, severity):
    post(client, payload(alert(severity=label)))
    assert Incident.objects.get().severity == severity


def test_unknown_severity_word_uses_the_default_and_says_so(client, checkout):
    post(client, payload(alert(severity="catastrophic-ish")))
    incident = Incident.objects.get()
    assert incident.severity == 3
    assert "Unknown severity 'catastrophic-ish'" in incident.timeline.get().text


def test_severity_mapping_is_configurable(client, checkout, settings):
    settings.HINDSIGHT_ALERT_SEVERITIES = {**settings.HINDSIGHT_ALERT_SEVERITIES, "disaster": 2}
    post(client, payload(alert(severity="disaster")))
    assert Incident.objects.get().severity == 2


def test_unknown_service_still_opens_the_incident_and_says_so(client):
    post(client, payload(alert(service="nonexistent")))
    incident = Incident.objects.get()
    assert not incident.services.exists()
    assert "No service is named or aliased 'nonexistent'" in incident.timeline.get().text


def test_service_is_matched_case_insensitively(client, checkout):
    post(client, payload(alert(service="Checkout-API")))
    assert list(Incident.objects.get().services.all()) == [checkout]


def test_service_is_matched_by_alias_from_the_job_label(client, checkout):
    checkout.aliases.create(name="Checkout-Prod")
    raw = alert(service="")
    raw["labels"] = {"alertname": "CheckoutErrorRate", "job": "checkout-prod"}
    post(client, payload(raw))
    assert list(Incident.objects.get().services.all()) == [checkout]


def test_service_label_order_is_configurable(client, checkout, settings):
    settings.HINDSIGHT_ALERT_SERVICE_LABELS = ["app"]
    raw = alert(service="something-else")
    raw["labels"]["app"] = "checkout-api"
    post(client, payload(raw))
    assert list(Incident.objects.get().services.all()) == [checkout]


def test_second_firing_alert_in_same_group_adds_to_the_open_incident(client, checkout):
    post(client, payload(alert(fingerprint="one")))
    response = post(client, payload(alert(fingerprint="two", starts=minutes_ago(20))))
    incident = Incident.objects.get()
    assert response.json()["updated"] == [incident.pk]
    assert incident.timeline.count() == 2
    assert incident.timeline.last().text.startswith("Alertmanager: +1 firing: CheckoutErrorRate")


def test_resolved_alert_adds_a_timeline_entry_and_marks_all_alerts_resolved(client, checkout):
    post(client, payload())
    response = post(client, payload(alert(status="resolved"), status="resolved"))
    assert response.status_code == 200
    incident = Incident.objects.get()
    assert "1 resolved: CheckoutErrorRate" in incident.timeline.last().text
    assert "All alerts resolved" in incident.timeline.last().text
    assert incident.all_alerts_resolved
    assert incident.status == Status.INVESTIGATING  # people decide when it is resolved


def test_replaying_the_same_payload_creates_nothing_twice(client, checkout):
    post(client, payload())
    post(client, payload(alert(status="resolved"), status="resolved"))
    counts = (Incident.objects.count(), TimelineEntry.objects.count(), Alert.objects.count())
    again = post(client, payload(alert(status="resolved"), status="resolved"))
    assert again.json()["alerts"]["unchanged"] == 1
    assert (Incident.objects.count(), TimelineEntry.objects.count(), Alert.objects.count()) == counts


def test_repeat_notification_of_a_firing_alert_changes_nothing(client, checkout):
    post(client, payload())
    response = post(client, payload())
    assert response.json() == {
        "status": "ok",
        "opened": [],
        "updated": [],
        "alerts": {"new": 0, "resolved": 0, "unchanged": 1, "ignored": 0},
    }
    assert TimelineEntry.objects.count() == 1


def test_a_new_firing_after_resolution_opens_a_new_incident_linked_to_the_previous(client, checkout):
    post(client, payload())
    first = Incident.objects.get()
    change_status(incident=first, status=Status.RESOLVED, by=None)
    post(client, payload(alert(starts=minutes_ago(5))))
    second = Incident.objects.exclude(pk=first.pk).get()
    assert second.recurrence_of == first
    assert f"May be a recurrence of {first.reference}" in second.timeline.get().text


def test_resolves_go_to_the_incident_that_saw_the_alert_fire(client, checkout):
    post(client, payload(alert(fingerprint="n1")))
    first = Incident.objects.get()
    change_status(incident=first, status=Status.RESOLVED, by=None)
    post(client, payload(alert(fingerprint="n1"), alert(fingerprint="n2", starts=minutes_ago(10))))
    second = Incident.objects.exclude(pk=first.pk).get()
    post(
        client,
        payload(
            alert(fingerprint="n1", status="resolved"),
            alert(fingerprint="n2", status="resolved", starts=minutes_ago(10)),
            status="resolved",
        ),
    )
    assert first.alerts.get().state == Alert.State.RESOLVED
    assert second.alerts.get().state == Alert.State.RESOLVED
    assert second.timeline.filter(text__contains="1 resolved").count() == 1


def test_a_new_group_key_for_the_same_alerts_updates_the_open_incident(client, checkout):
    post(client, payload(alert(fingerprint="one")))
    response = post(
        client,
        payload(
            alert(fingerprint="one"),
            alert(fingerprint="two"),
            group_key='{}/{env="prod"}:{alertname="CheckoutErrorRate"}',
        ),
    )
    incident = Incident.objects.get()
    assert response.json()["updated"] == [incident.pk]
    assert incident.alerts.count() == 2


def test_new_fingerprints_join_the_open_incident_with_the_same_alertname_and_service(client, checkout):
    post(client, payload(alert(fingerprint="one")))
    post(client, payload(alert(fingerprint="three"), group_key='{}:{cluster="b"}'))
    assert Incident.objects.count() == 1


def test_a_big_group_writes_one_timeline_entry(client, checkout):
    alerts = [node_down(n) for n in range(1500)]
    response = post(client, payload(*alerts))
    assert response.status_code == 200
    incident = Incident.objects.get()
    assert incident.alerts_total == 1500
    assert incident.timeline.get().text.startswith(
        "Opened by Alertmanager: +1,500 firing: NodeDown on node-0000, node-0001 … (1,498 more)"
    )


def test_a_partial_resolve_says_how_many_still_fire(client, checkout):
    post(client, payload(*[node_down(n) for n in range(10)]))
    post(
        client,
        payload(*[node_down(n, status="resolved") for n in range(3)], *[node_down(n) for n in range(3, 10)]),
    )
    text = Incident.objects.get().timeline.last().text
    assert "3 resolved: NodeDown on node-0000, node-0001 … (1 more). 7 still firing." in text


def node_down(n, status="firing"):
    raw = alert(status=status, name="NodeDown", fingerprint=f"node-{n:04d}", service="checkout-api")
    raw["labels"]["instance"] = f"node-{n:04d}"
    return raw


def test_runbook_url_into_the_library_is_suggested(client, checkout):
    from runbooks.models import Runbook

    runbook = Runbook.objects.create(title="Checkout errors", slug="checkout-errors", body="# Checkout")
    raw = alert()
    raw["annotations"]["runbook_url"] = "https://wiki.example.com/runbooks/checkout-errors"
    post(client, payload(raw))
    assert Alert.objects.get().suggested_runbook == runbook


def assert_nothing_written():
    assert not Incident.objects.exists()
    assert not Alert.objects.exists()
    assert not TimelineEntry.objects.exists()


@pytest.mark.parametrize(
    "token, status, message",
    [
        (None, 401, "Missing bearer token"),
        ("wrong-token", 403, "Invalid bearer token."),
    ],
)
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


def with_alert(**fields):
    return json.dumps(payload({**alert(), **fields}))


def with_labels(**labels):
    return json.dumps(payload({**alert(), "labels": {"alertname": "X", **labels}}))


@pytest.mark.parametrize(
    "body, message",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "Expected a JSON object"),
        (json.dumps({**payload(), "version": "3"}), "Unsupported payload version"),
        (json.dumps({k: v for k, v in payload().items() if k != "groupKey"}), "Missing field: groupKey"),
        (json.dumps({**payload(), "alerts": []}), "Missing field: alerts"),
        (with_alert(startsAt="yesterday"), "alerts[0].startsAt"),
        (with_alert(startsAt="9999-12-31T23:59:59-05:00"), "alerts[0].startsAt"),
        (with_alert(startsAt="2026-02-30T10:00:00Z"), "alerts[0].startsAt"),
        (with_alert(startsAt="2026-13-01T10:00:00Z"), "alerts[0].startsAt"),
        (with_alert(startsAt="2026-11-25T10:00:00+25:00"), "alerts[0].startsAt"),
        (with_alert(startsAt="0001-01-01T00:00:00Z"), "alerts[0].startsAt"),
        (with_alert(startsAt="2026-11-25T10:00:00"), "alerts[0].startsAt"),
        (with_alert(status="resolved", endsAt="9999-12-31T23:59:59-05:00"), "alerts[0].endsAt"),
        (with_alert(status="exploding"), "alerts[0].status"),
        (with_alert(labels={"severity": "critical"}), "alerts[0].labels.alertname"),
        (with_labels(severity=None), "alerts[0].labels.severity must be a string (got null)"),
        (with_labels(service="\ud800"), "alerts[0].labels.service is not valid Unicode"),
        (with_alert(annotations={"summary": 5}), "alerts[0].annotations.summary must be a string"),
        (with_alert(fingerprint="f" * 101), "alerts[0].fingerprint is longer"),
        (with_alert(generatorURL=["x"]), "alerts[0].generatorURL"),
        (b'{"version": "4", "x": "\xed\xa0\x80"}'.decode("unicode_escape").encode("latin-1"), "not UTF-8"),
    ],
)
def test_malformed_payloads_get_a_clear_400(client, checkout, body, message):
    response = post(client, body, raw=True)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert_nothing_written()


def test_one_bad_alert_rejects_the_whole_payload(client, checkout):
    response = post(client, payload(alert(), {**alert(fingerprint="x"), "startsAt": None}))
    assert response.status_code == 400
    assert_nothing_written()


def test_oversized_body_is_refused_before_parsing(client, checkout, settings):
    settings.HINDSIGHT_ALERTMANAGER_MAX_BYTES = 10_000
    big = payload(alert())
    big["padding"] = "x" * 10_010
    response = post(client, big)
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]
    assert_nothing_written()


def test_a_body_over_the_global_upload_limit_is_accepted_here(client, checkout, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(client, payload(*[node_down(n) for n in range(20)]))
    assert response.status_code == 200


def test_other_content_types_are_refused(client, checkout):
    response = client.post(
        reverse("api:alertmanager"),
        data=json.dumps(payload()),
        content_type="text/plain",
        HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
    )
    assert response.status_code == 415
    assert "Content-Type" in response.json()["error"]


def test_get_is_not_allowed(client):
    response = client.get(reverse("api:alertmanager"))
    assert response.status_code == 405
    assert "POST" in response.json()["error"]


def test_webhook_needs_no_csrf_token_or_session(checkout):
    from django.test import Client

    response = post(Client(enforce_csrf_checks=True), payload())
    assert response.status_code == 200
