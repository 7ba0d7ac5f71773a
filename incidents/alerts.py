"""Alerts in: Prometheus Alertmanager's webhook (payload version 4) opens and annotates incidents.

A firing alert opens an incident, or adds a timeline entry to the open incident already opened for the same
group key; a resolved alert adds a timeline entry. Every alert is recorded once as an AlertEvent keyed on
(group key, fingerprint, startsAt, state), so a replayed payload creates nothing twice.
"""

import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import AlertEvent, DetectionSource, Incident, Service, Severity, Status, TimelineEntry

MAX_BODY_BYTES = 1024 * 1024

# Alertmanager `severity` label values (lower-cased) → SEV level. Unknown or missing → SEV-3.
SEVERITY_WORDS = {
    Severity.SEV1: ["critical", "page", "sev1", "sev-1", "1"],
    Severity.SEV2: ["major", "high", "error", "sev2", "sev-2", "2"],
    Severity.SEV3: ["warning", "minor", "sev3", "sev-3", "3"],
    Severity.SEV4: ["info", "low", "none", "sev4", "sev-4", "4"],
}
SEVERITY_LABELS = {word: severity for severity, words in SEVERITY_WORDS.items() for word in words}
DEFAULT_SEVERITY = Severity.SEV3


class AlertPayloadError(Exception):
    """The request can't be accepted; `status` is the HTTP status to answer with."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Alert:
    state: str
    labels: dict
    annotations: dict
    starts_at: datetime
    fingerprint: str

    @property
    def name(self):
        return self.labels["alertname"]

    @property
    def summary(self):
        return self.annotations.get("summary") or self.annotations.get("description") or self.name

    @property
    def severity(self):
        return SEVERITY_LABELS.get(str(self.labels.get("severity", "")).strip().lower(), DEFAULT_SEVERITY)


def check_token(authorization_header):
    expected = settings.HINDSIGHT_ALERTMANAGER_TOKEN
    if not expected:
        raise AlertPayloadError(
            "The Alertmanager webhook is disabled: set HINDSIGHT_ALERTMANAGER_TOKEN to enable it.", status=503
        )
    scheme, _, token = (authorization_header or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AlertPayloadError("Missing bearer token: send 'Authorization: Bearer <token>'.", status=401)
    if not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise AlertPayloadError("Invalid bearer token.", status=403)


def parse_payload(body):
    """Validate Alertmanager's JSON and return (group_key, [Alert]); raise AlertPayloadError otherwise."""
    if len(body) > MAX_BODY_BYTES:
        raise AlertPayloadError(f"Request body is larger than {MAX_BODY_BYTES} bytes.", status=413)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise AlertPayloadError(f"Request body is not valid JSON: {error}.") from None
    if not isinstance(payload, dict):
        raise AlertPayloadError("Expected a JSON object.")
    if str(payload.get("version")) != "4":
        raise AlertPayloadError("Unsupported payload version: expected Alertmanager webhook version \"4\".")
    group_key = payload.get("groupKey")
    if not isinstance(group_key, str) or not group_key.strip():
        raise AlertPayloadError("Missing field: groupKey.")
    if len(group_key) > AlertEvent._meta.get_field("group_key").max_length:
        raise AlertPayloadError("groupKey is too long.")
    alerts = payload.get("alerts")
    if not isinstance(alerts, list) or not alerts:
        raise AlertPayloadError("Missing field: alerts (a non-empty list).")
    return group_key, [_parse_alert(alert, index) for index, alert in enumerate(alerts)]


def _parse_alert(raw, index):
    where = f"alerts[{index}]"
    if not isinstance(raw, dict):
        raise AlertPayloadError(f"{where} is not an object.")
    state = raw.get("status")
    if state not in AlertEvent.State.values:
        raise AlertPayloadError(f"{where}.status must be 'firing' or 'resolved'.")
    labels = raw.get("labels")
    if not isinstance(labels, dict) or not isinstance(labels.get("alertname"), str) or not labels["alertname"]:
        raise AlertPayloadError(f"Missing field: {where}.labels.alertname.")
    annotations = raw.get("annotations") or {}
    if not isinstance(annotations, dict):
        raise AlertPayloadError(f"{where}.annotations is not an object.")
    starts_at = parse_datetime(raw["startsAt"]) if isinstance(raw.get("startsAt"), str) else None
    if starts_at is None or timezone.is_naive(starts_at):
        raise AlertPayloadError(f"Missing or invalid field: {where}.startsAt (an RFC 3339 time with zone).")
    fingerprint = raw.get("fingerprint") or ""
    if not isinstance(fingerprint, str) or len(fingerprint) > 100:
        raise AlertPayloadError(f"{where}.fingerprint is not a short string.")
    return Alert(state, {str(k): str(v) for k, v in labels.items()},
                 {str(k): str(v) for k, v in annotations.items()}, starts_at, fingerprint)


@transaction.atomic
def receive_alerts(group_key, alerts, now=None):
    """Apply every alert of one payload, all or nothing. Returns a summary for the JSON response."""
    now = now or timezone.now()
    summary = {"opened": [], "updated": [], "duplicates": 0, "ignored": 0}
    for alert in alerts:
        if AlertEvent.objects.filter(
            group_key=group_key, fingerprint=alert.fingerprint, starts_at=alert.starts_at, state=alert.state
        ).exists():
            summary["duplicates"] += 1
            continue
        incident = _incident_for_group(group_key, include_resolved=alert.state == AlertEvent.State.RESOLVED)
        if alert.state == AlertEvent.State.FIRING and incident is None:
            incident = _open_incident(alert, now)
            summary["opened"].append(incident.pk)
        elif incident is None:
            summary["ignored"] += 1  # resolved, but we never saw it fire: nothing to attach it to
            continue
        else:
            _record_on_timeline(incident, alert, now)
            summary["updated"].append(incident.pk)
        AlertEvent.objects.create(
            group_key=group_key, fingerprint=alert.fingerprint, starts_at=alert.starts_at, state=alert.state,
            alertname=alert.name[:200], labels=alert.labels, incident=incident,
        )
    return summary


def _incident_for_group(group_key, include_resolved):
    incidents = Incident.objects.filter(alert_events__group_key=group_key).order_by("-started_at", "-id")
    open_incident = incidents.open().first()
    if open_incident or not include_resolved:
        return open_incident
    return incidents.first()


def _open_incident(alert, now):
    started = min(alert.starts_at, now)
    incident = Incident.objects.create(
        title=f"{alert.name}: {alert.summary}"[:200],
        summary=alert.annotations.get("description", ""),
        severity=alert.severity,
        status=Status.INVESTIGATING,
        detection_source=DetectionSource.ALERT,
        started_at=started,
        detected_at=now,
    )
    text = f"Opened by Alertmanager: {alert.name} firing ({_labels_text(alert.labels)})."
    service_name = alert.labels.get("service")
    service = Service.objects.filter(name=service_name).first() if service_name else None
    if service:
        incident.services.add(service)
    elif service_name:
        text += f" No service is named '{service_name}': set the services by hand."
    incident.timeline.create(occurred_at=now, kind=TimelineEntry.Kind.OBSERVATION, text=text)
    return incident


def _record_on_timeline(incident, alert, now):
    verb = "firing" if alert.state == AlertEvent.State.FIRING else "resolved"
    incident.timeline.create(
        occurred_at=max(now, incident.started_at), kind=TimelineEntry.Kind.OBSERVATION,
        text=f"Alertmanager: {alert.name} {verb} — {alert.summary} ({_labels_text(alert.labels)}).",
    )


def _labels_text(labels):
    return ", ".join(f"{key}={value}" for key, value in sorted(labels.items()) if key != "alertname")
