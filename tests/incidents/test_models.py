from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from incidents.models import Incident, Status, TimelineEntry
from incidents.services import change_status

pytestmark = pytest.mark.django_db


def test_timestamps_out_of_order_name_the_offending_field(make_incident):
    incident = make_incident()
    incident.acknowledged_at = incident.detected_at - timedelta(minutes=1)
    with pytest.raises(ValidationError) as raised:
        incident.full_clean()
    assert "acknowledged_at" in raised.value.message_dict
    assert "before the detected time" in raised.value.message_dict["acknowledged_at"][0]


def test_order_is_checked_across_missing_timestamps(make_incident):
    incident = make_incident(status=Status.INVESTIGATING, acknowledged_at=None)
    incident.mitigated_at = incident.detected_at - timedelta(minutes=1)
    with pytest.raises(ValidationError) as raised:
        incident.full_clean()
    assert "mitigated_at" in raised.value.message_dict


def test_resolved_incident_needs_a_resolved_time(make_incident):
    incident = make_incident()
    incident.resolved_at = None
    with pytest.raises(ValidationError) as raised:
        incident.full_clean()
    assert raised.value.message_dict["resolved_at"] == ["A resolved incident needs a resolved time."]


def test_database_refuses_resolved_incident_without_resolved_time(make_incident):
    incident = make_incident()
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(resolved_at=None)


def test_open_and_resolved_querysets_split_incidents(make_incident):
    open_one = make_incident(status=Status.MONITORING)
    resolved_one = make_incident()
    assert list(Incident.objects.open()) == [open_one]
    assert list(Incident.objects.resolved()) == [resolved_one]


def test_with_durations_are_computed_by_the_database(make_incident):
    make_incident()
    incident = Incident.objects.with_durations().get()
    assert incident.time_to_detect == timedelta(minutes=5)
    assert incident.time_to_acknowledge == timedelta(minutes=7)
    assert incident.time_to_mitigate == timedelta(minutes=40)
    assert incident.time_to_resolve == timedelta(minutes=90)


def test_with_durations_are_null_while_times_are_missing(make_incident):
    make_incident(status=Status.INVESTIGATING, acknowledged_at=None)
    incident = Incident.objects.with_durations().get()
    assert incident.time_to_acknowledge is None
    assert incident.time_to_resolve is None


def test_response_target_met_and_missed(make_incident, settings):
    quick = make_incident(severity=1)  # acknowledged 7 minutes after detection, target 15
    assert quick.response_target_check()["met"] is True
    slow = make_incident(severity=1)
    slow.acknowledged_at = slow.detected_at + timedelta(minutes=16)
    assert slow.response_target_check()["met"] is False
    settings.HINDSIGHT_RESPONSE_TARGETS = {**settings.HINDSIGHT_RESPONSE_TARGETS, 1: timedelta(minutes=20)}
    assert slow.response_target_check()["met"] is True


def test_unacknowledged_incident_breaches_target_as_time_passes(make_incident):
    incident = make_incident(status=Status.INVESTIGATING, acknowledged_at=None, severity=1)
    check = incident.response_target_check(now=incident.detected_at + timedelta(minutes=30))
    assert check == {
        "target": timedelta(minutes=15),
        "start": incident.detected_at,
        "elapsed": timedelta(minutes=30),
        "met": False,
        "pending": True,
    }


def test_change_status_fills_times_and_writes_timeline(make_incident, responder):
    incident = make_incident(status=Status.INVESTIGATING, acknowledged_at=None)
    now = timezone.now()
    change_status(incident=incident, status=Status.RESOLVED, by=responder, note="Rolled back.", now=now)
    incident.refresh_from_db()
    assert incident.resolved_at == now
    assert incident.mitigated_at == now
    assert incident.acknowledged_at == now
    entry = incident.timeline.get()
    assert entry.kind == TimelineEntry.Kind.STATUS_CHANGE
    assert entry.text == "Status changed from Investigating to Resolved. Rolled back."
    assert entry.author == responder


def test_reopening_clears_the_resolved_time(make_incident, responder):
    incident = make_incident()
    change_status(incident=incident, status=Status.INVESTIGATING, by=responder)
    incident.refresh_from_db()
    assert incident.resolved_at is None
    assert incident.is_open


def test_timeline_is_oldest_first(make_incident):
    incident = make_incident()
    later = TimelineEntry.objects.create(
        incident=incident, occurred_at=incident.started_at + timedelta(hours=1), text="b"
    )
    earlier = TimelineEntry.objects.create(incident=incident, occurred_at=incident.started_at, text="a")
    assert list(incident.timeline.all()) == [earlier, later]
