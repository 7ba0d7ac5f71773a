"""Alerts in: one Alertmanager notification opens or updates incidents, all or nothing.

Alerts are matched by fingerprint to the incident that saw them fire, so a resolve lands where its alert fired
and a routing change (a new group key for the same alerts) updates the open incident instead of opening a
duplicate. New alerts join the open incident already holding this notification's other alerts, else one with
the same alertname and service, else one from the same group; otherwise they open an incident. Each
notification that changes something writes one timeline entry per incident, however many alerts it carries.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import Lower
from django.utils import timezone

from core.limits import MAX_ENTRY_LENGTH
from notifications.services import notify_incident_declared
from runbooks.models import Runbook

from .alert_payload import Notification, ReceivedAlert
from .models import Alert, DetectionSource, Incident, Service, ServiceAlias, Severity, Status, TimelineEntry
from .services import add_timeline_entry

BATCH_SIZE = 500
NAMES_SHOWN = 2  # "NodeDown on node-0001, node-0002 … (1,198 more)"
IDENTITY_LABELS = ("instance", "node", "host", "hostname", "pod")


@dataclass
class IncidentChanges:
    """What one notification did to one incident, for its single timeline entry."""

    fired: list[ReceivedAlert] = field(default_factory=list)
    resolved: list[ReceivedAlert] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    opened: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def as_json(self) -> dict:
        return {
            "status": "ok",
            "opened": self.opened,
            "updated": self.updated,
            "alerts": {key: self.counts[key] for key in ("new", "resolved", "unchanged", "ignored")},
        }


@transaction.atomic
def receive_notification(*, notification: Notification, now: datetime | None = None) -> Outcome:
    """Apply one notification. Returns which incidents were opened or updated and what happened to the alerts."""
    now = now or timezone.now()
    outcome = Outcome()
    known = _known_alerts([alert.fingerprint for alert in notification.alerts])
    services = ServiceMatcher([alert.labels for alert in notification.alerts])
    runbooks = _runbooks_named_by([alert.annotations.get("runbook_url", "") for alert in notification.alerts])
    changes: dict[int, IncidentChanges] = defaultdict(IncidentChanges)
    incidents: dict[int, Incident] = {}
    rows_to_update: list[Alert] = []
    new_alerts: list[ReceivedAlert] = []
    for alert in notification.alerts:
        row = _row_for(alert, known.get(alert.fingerprint, []))
        if row is None:
            if alert.is_firing:
                new_alerts.append(alert)
            else:
                outcome.counts["ignored"] += 1  # resolved, but we never saw it fire
            continue
        incidents[row.incident_id] = row.incident
        applied = _apply(row, alert, notification.group_key, services, runbooks, now)
        if applied:
            rows_to_update.append(row)
        if applied == "fired":
            changes[row.incident_id].fired.append(alert)
            outcome.counts["new"] += 1
        elif applied == "resolved":
            changes[row.incident_id].resolved.append(alert)
            outcome.counts["resolved"] += 1
        else:
            outcome.counts["unchanged"] += 1
    if new_alerts:
        incident = _incident_for_new_alerts(notification, new_alerts, known, services)
        if incident is None:
            incident = _open_incident(notification, new_alerts, services, now, changes)
            outcome.opened.append(incident.pk)
        incidents[incident.pk] = incident
        _add_services(incident, new_alerts, services, changes[incident.pk])
        Alert.objects.bulk_create(
            [
                _new_row(incident, alert, notification.group_key, services, runbooks, now)
                for alert in new_alerts
            ],
            batch_size=BATCH_SIZE,
        )
        changes[incident.pk].fired.extend(new_alerts)
        outcome.counts["new"] += len(new_alerts)
    Alert.objects.bulk_update(rows_to_update, CHANGING_FIELDS, batch_size=BATCH_SIZE)
    for incident_id, change in changes.items():
        incident = incidents[incident_id]
        firing = _recount(incident, now)
        _record_on_timeline(incident, change, firing, now, opened=incident_id in outcome.opened)
        if incident_id not in outcome.opened:
            outcome.updated.append(incident_id)
    for incident_id in outcome.opened:
        notify_incident_declared(incident=incidents[incident_id])
    return outcome


CHANGING_FIELDS = [
    "state",
    "starts_at",
    "ends_at",
    "annotations",
    "generator_url",
    "group_key",
    "suggested_runbook",
    "updated_at",
]


def _known_alerts(fingerprints: list[str]) -> dict[str, list[Alert]]:
    """Every stored alert with these fingerprints, newest incident first (a few queries of BATCH_SIZE each)."""
    known: dict[str, list[Alert]] = defaultdict(list)
    for start in range(0, len(fingerprints), BATCH_SIZE):
        rows = (
            Alert.objects.filter(fingerprint__in=fingerprints[start : start + BATCH_SIZE])
            .select_related("incident")
            .order_by("-incident__started_at", "-incident_id")
        )
        for row in rows:
            known[row.fingerprint].append(row)
    return known


def _row_for(alert: ReceivedAlert, rows: list[Alert]) -> Alert | None:
    """The stored alert this report is about, or None when it is new to us.

    A firing alert belongs to the open incident holding it, or stays with the person-resolved incident that saw
    this very firing (same startsAt); firing again after that incident was resolved makes it new. A resolve
    belongs to the incident that saw that firing, else the newest one holding the fingerprint.
    """
    same_firing = next((row for row in rows if row.starts_at == alert.starts_at), None)
    if alert.is_firing:
        on_open_incident = next((row for row in rows if row.incident.is_open), None)
        return on_open_incident or same_firing
    return (
        same_firing
        or next((row for row in rows if row.state == Alert.State.FIRING), None)
        or (rows[0] if rows else None)
    )


def _apply(
    row: Alert,
    alert: ReceivedAlert,
    group_key: str,
    services: "ServiceMatcher",
    runbooks: dict[str, Runbook],
    now: datetime,
) -> str:
    """Bring a stored alert up to date; returns "fired", "resolved", "refreshed" (details only) or ""."""
    change = ""
    if alert.is_firing and (row.state != Alert.State.FIRING or row.starts_at != alert.starts_at):
        change = "fired" if row.state != Alert.State.FIRING else "refreshed"
        row.state, row.starts_at, row.ends_at = Alert.State.FIRING, alert.starts_at, None
    elif not alert.is_firing and row.state == Alert.State.FIRING:
        row.state, row.ends_at = Alert.State.RESOLVED, alert.ends_at
        change = "resolved"
    details = (alert.annotations, alert.generator_url, group_key)
    if details != (row.annotations, row.generator_url, row.group_key):
        row.annotations, row.generator_url, row.group_key = details
        row.suggested_runbook = _suggested_runbook(alert, runbooks)
        change = change or "refreshed"
    if change:
        row.updated_at = now
    return change


def _new_row(
    incident: Incident,
    alert: ReceivedAlert,
    group_key: str,
    services: "ServiceMatcher",
    runbooks: dict[str, Runbook],
    now: datetime,
) -> Alert:
    return Alert(
        incident=incident,
        fingerprint=alert.fingerprint,
        alertname=alert.name,
        service_label=services.label_value(alert.labels)[:200],
        group_key=group_key,
        state=alert.state,
        labels=alert.labels,
        annotations=alert.annotations,
        generator_url=alert.generator_url,
        starts_at=alert.starts_at,
        ends_at=alert.ends_at,
        suggested_runbook=_suggested_runbook(alert, runbooks),
        received_at=now,
        updated_at=now,
    )


def _incident_for_new_alerts(
    notification: Notification,
    new_alerts: list[ReceivedAlert],
    known: dict[str, list[Alert]],
    services: "ServiceMatcher",
) -> Incident | None:
    """The open incident new alerts join: the one holding most of this notification's known alerts, else one with
    the same alertname and service, else one that received this group before."""
    holding = Counter(row.incident_id for rows in known.values() for row in rows if row.incident.is_open)
    if holding:
        incident_id = holding.most_common(1)[0][0]
        return next(row.incident for rows in known.values() for row in rows if row.incident_id == incident_id)
    open_alerts = Alert.objects.filter(incident__in=Incident.objects.open()).select_related("incident")
    same_kind = Q()
    for name, service in {(alert.name, services.label_value(alert.labels)) for alert in new_alerts}:
        if service:
            same_kind |= Q(alertname=name, service_label=service)
    if same_kind:
        match = open_alerts.filter(same_kind).order_by("-incident__started_at").first()
        if match:
            return match.incident
    match = open_alerts.filter(group_key=notification.group_key).order_by("-incident__started_at").first()
    return match.incident if match else None


def _open_incident(
    notification: Notification,
    new_alerts: list[ReceivedAlert],
    services: "ServiceMatcher",
    now: datetime,
    changes: dict[int, IncidentChanges],
) -> Incident:
    first = new_alerts[0]
    title = f"{first.name}: {first.summary}" if first.summary else first.name
    if len(new_alerts) > 1:
        title = f"{title} ({len(new_alerts):,} alerts)"
    severities = [_severity(alert) for alert in new_alerts]
    previous = _previous_incident(notification, new_alerts, services)
    incident = Incident.objects.create(
        title=title[:200],
        summary=first.annotations.get("description", ""),
        severity=min(severity for severity, _ in severities),
        status=Status.INVESTIGATING,
        detection_source=DetectionSource.ALERT,
        started_at=min(min(alert.starts_at for alert in new_alerts), now),
        detected_at=now,
        recurrence_of=previous,
    )
    notes = changes[incident.pk].notes
    unknown_words = sorted({word for _, word in severities if word})
    if unknown_words:
        notes.append(
            f"Unknown severity {_quoted(unknown_words)}: used the default, "
            f"{Severity(settings.HINDSIGHT_ALERT_DEFAULT_SEVERITY).label}."
        )
    if previous:
        notes.append(
            f"May be a recurrence of {previous.reference} (resolved {previous.resolved_at:%-d %b %H:%M})."
        )
    return incident


def _previous_incident(
    notification: Notification, new_alerts: list[ReceivedAlert], services: "ServiceMatcher"
) -> Incident | None:
    """The latest resolved incident that held these alerts, this group, or alerts of the same name and service."""
    same = Q(alerts__group_key=notification.group_key) | Q(
        alerts__fingerprint__in=[alert.fingerprint for alert in new_alerts[:BATCH_SIZE]]
    )
    for name, service in {(alert.name, services.label_value(alert.labels)) for alert in new_alerts}:
        if service:
            same |= Q(alerts__alertname=name, alerts__service_label=service)
    return Incident.objects.resolved().filter(same).order_by("-resolved_at", "-id").first()


def _severity(alert: ReceivedAlert) -> tuple[int, str]:
    """(SEV level, the unknown word or "") from the alert's `severity` label."""
    word = alert.labels.get("severity", "").strip().lower()
    if not word:
        return settings.HINDSIGHT_ALERT_DEFAULT_SEVERITY, ""
    level = settings.HINDSIGHT_ALERT_SEVERITIES.get(word)
    if level is None:
        return settings.HINDSIGHT_ALERT_DEFAULT_SEVERITY, alert.labels["severity"]
    return level, ""


def _add_services(
    incident: Incident, new_alerts: list[ReceivedAlert], services: "ServiceMatcher", change: IncidentChanges
) -> None:
    matched, unknown = set(), set()
    for alert in new_alerts:
        service = services.service_for(alert.labels)
        if service:
            matched.add(service)
        elif services.label_value(alert.labels):
            unknown.add(services.label_value(alert.labels))
    if matched:
        incident.services.add(*matched)
    if unknown:
        change.notes.append(
            f"No service is named or aliased {_quoted(sorted(unknown))} "
            f"(labels {', '.join(settings.HINDSIGHT_ALERT_SERVICE_LABELS)}): set the services by hand."
        )


def _recount(incident: Incident, now: datetime) -> int:
    """Refresh the incident's alert counts; returns how many still fire."""
    figures = Alert.objects.filter(incident=incident).aggregate(
        total=Count("id"), firing=Count("id", filter=Q(state=Alert.State.FIRING)), last_end=Max("ends_at")
    )
    resolved_at = None
    if figures["total"] and not figures["firing"]:
        resolved_at = min(figures["last_end"] or now, now)
    Incident.objects.filter(pk=incident.pk).update(
        alerts_total=figures["total"], alerts_firing=figures["firing"], alerts_resolved_at=resolved_at
    )
    return figures["firing"]


def _record_on_timeline(
    incident: Incident, change: IncidentChanges, firing: int, now: datetime, opened: bool
) -> None:
    """One entry for everything this notification changed on this incident."""
    parts = []
    if change.fired:
        parts.append(f"+{len(change.fired):,} firing: {describe_alerts(change.fired)}.")
    if change.resolved:
        parts.append(f"{len(change.resolved):,} resolved: {describe_alerts(change.resolved)}.")
        parts.append(f"{firing:,} still firing." if firing else "All alerts resolved — resolve the incident?")
    if not parts and not change.notes:
        return
    text = f"{'Opened by Alertmanager' if opened else 'Alertmanager'}: {' '.join(parts + change.notes)}"
    add_timeline_entry(
        incident=incident,
        by=None,
        kind=TimelineEntry.Kind.OBSERVATION,
        text=text[:MAX_ENTRY_LENGTH],
        occurred_at=max(now, incident.started_at),
    )


def describe_alerts(alerts: list[ReceivedAlert]) -> str:
    """ "NodeDown on node-0001, node-0002 … (1,198 more)", one clause per alertname, most frequent first."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for alert in alerts:
        by_name[alert.name].append(_identity(alert))
    clauses = []
    for name, identities in sorted(by_name.items(), key=lambda item: (-len(item[1]), item[0])):
        shown = [identity for identity in identities if identity]
        if not shown:
            clauses.append(name if len(identities) == 1 else f"{name} ×{len(identities):,}")
            continue
        text = ", ".join(shown[:NAMES_SHOWN])
        if len(identities) > NAMES_SHOWN:
            text += f" … ({len(identities) - NAMES_SHOWN:,} more)"
        clauses.append(f"{name} on {text}")
    return "; ".join(clauses)


def _identity(alert: ReceivedAlert) -> str:
    for label in (*IDENTITY_LABELS, *settings.HINDSIGHT_ALERT_SERVICE_LABELS):
        if alert.labels.get(label):
            return alert.labels[label]
    return ""


def _quoted(words: Iterable[str]) -> str:
    return ", ".join(f"'{word}'" for word in words)


class ServiceMatcher:
    """Finds the Service an alert is about: the first of the configured labels (service, job, app, namespace)
    whose value is a service's name or alias, compared case-insensitively. Two queries per notification."""

    def __init__(self, label_sets: list[dict[str, str]]) -> None:
        self.labels = settings.HINDSIGHT_ALERT_SERVICE_LABELS
        values = {
            labels[label].strip().lower()
            for labels in label_sets
            for label in self.labels
            if labels.get(label, "").strip()
        }
        self.services: dict[str, Service] = {}
        if values:
            chosen = list(values)[:BATCH_SIZE]
            for service in Service.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=chosen):
                self.services[service.lower_name] = service
            for alias in ServiceAlias.objects.filter(name__in=chosen).select_related("service"):
                self.services.setdefault(alias.name, alias.service)

    def service_for(self, labels: dict[str, str]) -> Service | None:
        for label in self.labels:
            service = self.services.get(labels.get(label, "").strip().lower())
            if service:
                return service
        return None

    def label_value(self, labels: dict[str, str]) -> str:
        """The matched service's name, else the first service label present (lower-cased), else ""."""
        service = self.service_for(labels)
        if service:
            return service.name.lower()
        return next(
            (labels[label].strip().lower() for label in self.labels if labels.get(label, "").strip()), ""
        )


def runbook_slug_in(url: str) -> str:
    """The last path segment of a runbook_url: a library address (/runbooks/<slug>/) or any URL ending in a name."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    segments = [segment for segment in path.split("/") if segment]
    if not segments:
        return ""
    last = segments[-1].lower()
    for suffix in (".md", ".html", ".htm"):
        last = last.removesuffix(suffix)
    return last[:200]


def _runbooks_named_by(urls: list[str]) -> dict[str, Runbook]:
    slugs = {runbook_slug_in(url) for url in urls if url} - {""}
    if not slugs:
        return {}
    return {
        runbook.slug: runbook
        for runbook in Runbook.objects.filter(slug__in=list(slugs)[:BATCH_SIZE]).only("id", "slug", "title")
    }


def _suggested_runbook(alert: ReceivedAlert, runbooks: dict[str, Runbook]) -> Runbook | None:
    url = alert.annotations.get("runbook_url", "")
    return runbooks.get(runbook_slug_in(url)) if url else None
