"""Postmortem and action-item rules: the named querysets other pages rely on."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import override_settings
from django.utils import timezone

from incidents.models import Incident, Status
from postmortems.models import ActionItem, Postmortem
from postmortems.services import create_action_item

pytestmark = pytest.mark.django_db


def resolved_hours_ago(make_incident, hours, **fields):
    resolved = timezone.now() - timedelta(hours=hours)
    started = resolved - timedelta(hours=2)
    return make_incident(
        started_at=started,
        detected_at=started,
        acknowledged_at=started,
        mitigated_at=started,
        resolved_at=resolved,
        **fields,
    )


def test_postmortem_is_overdue_when_incident_resolved_over_48_hours_ago_and_not_published(
    make_incident, make_postmortem, editor
):
    late = make_postmortem(resolved_hours_ago(make_incident, 49))
    in_time = make_postmortem(resolved_hours_ago(make_incident, 47))
    late_but_published = make_postmortem(resolved_hours_ago(make_incident, 100))
    late_but_published.publish(editor)
    in_review = make_postmortem(resolved_hours_ago(make_incident, 72), status=Postmortem.Status.IN_REVIEW)

    assert set(Postmortem.objects.overdue()) == {late, in_review}
    assert late.is_overdue()
    assert not in_time.is_overdue()
    assert not late_but_published.is_overdue()


def test_postmortem_for_reopened_incident_is_not_overdue(make_incident, make_postmortem):
    incident = make_incident(status=Status.MONITORING, started_at=timezone.now() - timedelta(days=10))
    make_postmortem(incident)
    assert not Postmortem.objects.overdue().exists()


@override_settings(HINDSIGHT_POSTMORTEM_DUE=timedelta(hours=24))
def test_overdue_threshold_is_a_setting(make_incident, make_postmortem):
    postmortem = make_postmortem(resolved_hours_ago(make_incident, 30))
    assert list(Postmortem.objects.overdue()) == [postmortem]


def test_missing_postmortem_lists_serious_resolved_incidents_without_one(make_incident, make_postmortem):
    sev1_without = make_incident(severity=1)
    make_incident(severity=3)  # minor incidents don't need one
    make_postmortem(make_incident(severity=2))
    make_incident(severity=1, status=Status.IDENTIFIED)  # still open
    assert list(Incident.objects.missing_postmortem()) == [sev1_without]


def test_published_postmortem_is_locked_until_reopened(postmortem, editor):
    postmortem.publish(editor)
    postmortem.refresh_from_db()
    assert postmortem.is_locked
    assert postmortem.published_by == editor
    assert postmortem.published_at
    postmortem.reopen()
    assert not postmortem.is_locked
    assert postmortem.published_at is None


def test_one_postmortem_per_incident(postmortem):
    with pytest.raises(IntegrityError):
        Postmortem.objects.create(incident=postmortem.incident, title="Second")


def test_open_and_unowned_action_items(make_action_item, editor):
    unowned = make_action_item()
    owned = make_action_item(owner=editor, status=ActionItem.Status.IN_PROGRESS)
    make_action_item(status=ActionItem.Status.DONE)
    make_action_item(status=ActionItem.Status.WONT_DO, wont_do_reason="Service is being retired")

    assert set(ActionItem.objects.open()) == {unowned, owned}
    assert list(ActionItem.objects.unowned()) == [unowned]


def test_overdue_and_due_within(make_action_item):
    today = timezone.localdate()
    overdue = make_action_item(due_date=today - timedelta(days=1))
    make_action_item(due_date=today - timedelta(days=3), status=ActionItem.Status.DONE)
    due_today = make_action_item(due_date=today)
    due_in_week = make_action_item(due_date=today + timedelta(days=7))
    make_action_item(due_date=today + timedelta(days=8))
    make_action_item(due_date=None)

    assert list(ActionItem.objects.overdue()) == [overdue]
    assert set(ActionItem.objects.due_within(7)) == {due_today, due_in_week}
    assert list(ActionItem.objects.due_within(0)) == [due_today]


def test_closed_on_time_counts_items_done_by_their_due_date(make_action_item):
    today = timezone.localdate()
    on_time = make_action_item(due_date=today, status=ActionItem.Status.DONE)
    no_due_date = make_action_item(status=ActionItem.Status.DONE)
    late = make_action_item(due_date=today - timedelta(days=5), status=ActionItem.Status.DONE)
    make_action_item(due_date=today, status=ActionItem.Status.WONT_DO, wont_do_reason="Superseded")
    make_action_item(due_date=today)  # still open

    assert late.completed_at.date() > late.due_date
    assert set(ActionItem.objects.closed_on_time()) == {on_time, no_due_date}


def test_done_records_completed_at_and_reopening_clears_it(make_action_item):
    item = make_action_item()
    assert item.completed_at is None
    item.status = ActionItem.Status.DONE
    item.save()
    assert item.completed_at is not None
    item.status = ActionItem.Status.OPEN
    item.save()
    assert item.completed_at is None


def test_wont_do_requires_a_reason(make_action_item):
    item = make_action_item()
    item.status = ActionItem.Status.WONT_DO
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "wont_do_reason" in error.value.message_dict
    with pytest.raises(IntegrityError):
        item.save()


def test_team_defaults_from_the_incident_service(postmortem, service):
    item = create_action_item(postmortem=postmortem, by=None, title="Alert on pool saturation")
    assert item.team == "Payments"


def test_a_team_given_for_an_action_item_is_kept(postmortem):
    item = create_action_item(postmortem=postmortem, by=None, title="Alert on pool saturation", team="SRE")
    assert item.team == "SRE"
