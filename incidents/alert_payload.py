"""Alertmanager's webhook JSON (payload version 4), checked field by field before anything is written.

Every problem raises AlertPayloadError naming the field (`alerts[12].startsAt`), so the sender learns exactly
what to fix, and a payload is accepted or refused as a whole.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import is_web_link

# Timestamps outside this window around now are refused: they would skew time-to-detect by years.
OLDEST_ALERT = timedelta(days=366)
CLOCK_SKEW = timedelta(days=1)
GO_ZERO_TIME_YEAR = 1  # Alertmanager sends endsAt "0001-01-01T00:00:00Z" for an alert with no end yet
MAX_GROUP_KEY = 500
MAX_FINGERPRINT = 100
MAX_ALERTNAME = 200
MAX_URL = 2000


class AlertPayloadError(Exception):
    """The request can't be accepted; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ReceivedAlert:
    state: str
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: datetime
    ends_at: datetime | None
    fingerprint: str
    generator_url: str

    @property
    def name(self) -> str:
        return self.labels["alertname"]

    @property
    def is_firing(self) -> bool:
        return self.state == "firing"

    @property
    def summary(self) -> str:
        return self.annotations.get("summary") or self.annotations.get("description") or ""


@dataclass(frozen=True)
class Notification:
    group_key: str
    alerts: list[ReceivedAlert] = field(default_factory=list)


def check_token(authorization_header: str | None) -> None:
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


def check_content_type(content_type: str | None) -> None:
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise AlertPayloadError(
            f"Content-Type must be application/json (got {media_type or 'none'!r}).", status=415
        )


def parse_notification(body: bytes, now: datetime | None = None) -> Notification:
    """Validate Alertmanager's JSON and return the notification; raise AlertPayloadError otherwise."""
    now = now or timezone.now()
    try:
        payload = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise AlertPayloadError("Request body is not UTF-8 text.") from None
    except ValueError as error:
        raise AlertPayloadError(f"Request body is not valid JSON: {error}.") from None
    if not isinstance(payload, dict):
        raise AlertPayloadError("Expected a JSON object.")
    if str(payload.get("version")) != "4":
        raise AlertPayloadError('Unsupported payload version: expected Alertmanager webhook version "4".')
    group_key = payload.get("groupKey")
    if not isinstance(group_key, str) or not group_key.strip():
        raise AlertPayloadError("Missing field: groupKey.")
    _check_text(group_key, "groupKey", MAX_GROUP_KEY)
    raw_alerts = payload.get("alerts")
    if not isinstance(raw_alerts, list) or not raw_alerts:
        raise AlertPayloadError("Missing field: alerts (a non-empty list).")
    # The same fingerprint twice in one payload: the later report wins.
    alerts = {}
    for index, raw in enumerate(raw_alerts):
        alert = _parse_alert(raw, f"alerts[{index}]", now)
        alerts[alert.fingerprint] = alert
    return Notification(group_key=group_key, alerts=list(alerts.values()))


def _parse_alert(raw: object, where: str, now: datetime) -> ReceivedAlert:
    if not isinstance(raw, dict):
        raise AlertPayloadError(f"{where} is not an object.")
    state = raw.get("status")
    if state not in ("firing", "resolved"):
        raise AlertPayloadError(f"{where}.status must be 'firing' or 'resolved'.")
    labels = _string_map(raw.get("labels"), f"{where}.labels")
    if not labels.get("alertname"):
        raise AlertPayloadError(f"Missing field: {where}.labels.alertname.")
    _check_text(labels["alertname"], f"{where}.labels.alertname", MAX_ALERTNAME)
    annotations = _string_map(raw.get("annotations") or {}, f"{where}.annotations")
    starts_at = _timestamp(raw.get("startsAt"), f"{where}.startsAt", now)
    if starts_at is None:
        raise AlertPayloadError(f"Missing field: {where}.startsAt (an RFC 3339 time with zone).")
    ends_at = _timestamp(raw.get("endsAt"), f"{where}.endsAt", now) if raw.get("endsAt") else None
    if state == "resolved":
        if ends_at is None:
            raise AlertPayloadError(f"Missing field: {where}.endsAt (a resolved alert says when it ended).")
        if ends_at < starts_at:
            raise AlertPayloadError(f"{where}.endsAt is before its startsAt.")
    else:
        ends_at = None  # a firing alert's endsAt is only Alertmanager's expiry guess
    fingerprint = raw.get("fingerprint") or _fingerprint_of(labels)
    if not isinstance(fingerprint, str):
        raise AlertPayloadError(f"{where}.fingerprint must be a string.")
    _check_text(fingerprint, f"{where}.fingerprint", MAX_FINGERPRINT)
    generator_url = raw.get("generatorURL") or ""
    if not isinstance(generator_url, str):
        raise AlertPayloadError(f"{where}.generatorURL must be a string.")
    _check_text(generator_url, f"{where}.generatorURL", MAX_URL)
    return ReceivedAlert(
        state=state,
        labels=labels,
        annotations=annotations,
        starts_at=starts_at,
        ends_at=ends_at,
        fingerprint=fingerprint,
        generator_url=generator_url if is_web_link(generator_url) else "",
    )


def _string_map(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise AlertPayloadError(f"{where} must be an object of strings.")
    for key, text in value.items():
        if not isinstance(text, str):
            kind = "null" if text is None else type(text).__name__
            raise AlertPayloadError(f"{where}.{key} must be a string (got {kind}).")
        _check_text(key, f"{where} key {key!r}", 200)
        _check_text(text, f"{where}.{key}", None)
    return value


def _check_text(text: str, where: str, max_length: int | None) -> None:
    if max_length is not None and len(text) > max_length:
        raise AlertPayloadError(f"{where} is longer than {max_length} characters.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise AlertPayloadError(
            f"{where} is not valid Unicode text (a lone surrogate such as \\ud800)."
        ) from None


def _timestamp(value: object, where: str, now: datetime) -> datetime | None:
    if value is None:
        return None
    problem = f"{where} must be an RFC 3339 time with a zone, such as 2026-11-25T10:00:00Z"
    if not isinstance(value, str):
        raise AlertPayloadError(f"{problem}.")
    try:
        parsed = parse_datetime(value)
        if parsed is None or timezone.is_naive(parsed):
            raise AlertPayloadError(f"{problem} (got {value[:40]!r}).")
        if parsed.year == GO_ZERO_TIME_YEAR and where.endswith("endsAt"):
            return None
        in_window = now - OLDEST_ALERT <= parsed <= now + CLOCK_SKEW
    except (ValueError, OverflowError):
        raise AlertPayloadError(f"{problem}: {value[:40]!r} is not a real time.") from None
    if not in_window:
        raise AlertPayloadError(
            f"{where} ({value[:40]}) is more than {OLDEST_ALERT.days} days before or "
            f"{CLOCK_SKEW.days} day after the server's time."
        )
    return parsed


def _fingerprint_of(labels: dict[str, str]) -> str:
    """Alertmanager always sends a fingerprint; hand-written payloads get one derived from the labels."""
    canonical = json.dumps(sorted(labels.items()), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]
