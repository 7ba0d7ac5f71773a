"""`send_reminders`: each stage once, batching, digests."""

import threading
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from notifications import reminders
from notifications.models import Delivery, Kind, Notification, State, Subscription, Team
from notifications.reminders import send_reminders
from postmortems.models import ActionItem
from runbooks.models import Runbook
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def at(day_offset: int, hour: int = 10) -> datetime:
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_an_item_due_in_three_days_gets_one_reminder(owner, make_action_item):
    make_action_item(owner=owner, due_date=timezone.localdate() + timedelta(days=3))
    send_reminders(at(0))
    assert Notification.objects.filter(kind=Kind.ACTION_DUE_SOON, recipient=owner).count() == 1


def test_running_reminders_again_sends_nothing_new(owner, make_action_item):
    make_action_item(owner=owner, due_date=timezone.localdate() - timedelta(days=1))
    send_reminders(at(0))
    send_reminders(at(0, hour=11))
    assert Notification.objects.count() == 1


def test_an_overdue_item_is_reminded_again_a_week_later(owner, make_action_item):
    make_action_item(owner=owner, due_date=timezone.localdate() - timedelta(days=1))
    for day in range(8):
        send_reminders(at(day))
    assert Notification.objects.filter(kind=Kind.ACTION_OVERDUE).count() == 2


def test_a_key_taken_between_check_and_insert_is_not_sent_twice(owner, make_action_item, monkeypatch):
    """The pre-check is only an optimisation: a concurrent run's row makes the insert fail quietly."""
    make_action_item(owner=owner, due_date=timezone.localdate() - timedelta(days=1))
    send_reminders(at(0))
    monkeypatch.setattr(
        reminders, "_unsent", lambda chunk: chunk
    )  # as if the other run had not committed yet
    send_reminders(at(0))
    assert Notification.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_concurrent_runs_send_each_reminder_once(owner, postmortem):
    ActionItem.objects.bulk_create(
        ActionItem(
            postmortem=postmortem,
            title=f"Item {n}",
            owner=owner,
            due_date=timezone.localdate(),
            team="Payments",
        )
        for n in range(3)
    )
    barrier = threading.Barrier(2)

    def run():
        barrier.wait()
        try:
            send_reminders(at(0))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Notification.objects.filter(kind=Kind.ACTION_DUE_SOON).count() == 3


def test_many_reminders_for_one_person_become_one_message(owner, postmortem, settings):
    settings.HINDSIGHT_REMINDER_BATCH = 5
    other = make_user("otto", email="otto@example.com")
    overdue = timezone.localdate() - timedelta(days=2)
    ActionItem.objects.bulk_create(
        ActionItem(
            postmortem=postmortem,
            title=f"Item {n}",
            owner=owner if n % 2 else other,
            due_date=overdue,
            team="Payments",
        )
        for n in range(10_000)
    )
    send_reminders(at(0))
    combined = Notification.objects.filter(kind=Kind.REMINDER_DIGEST)
    assert sorted(combined.values_list("recipient__username", flat=True)) == ["olga", "otto"]


def test_batched_reminders_stay_on_the_outbox_as_part_of_the_combined_message(
    owner, make_action_item, settings
):
    settings.HINDSIGHT_REMINDER_BATCH = 1
    for n in range(3):
        make_action_item(owner=owner, title=f"Item {n}", due_date=timezone.localdate() - timedelta(days=1))
    send_reminders(at(0))
    combined = Notification.objects.get(kind=Kind.REMINDER_DIGEST)
    assert combined.included.filter(state=State.SKIPPED).count() == 3


def test_a_person_choosing_the_digest_gets_one_daily_email(owner, make_action_item, settings):
    settings.HINDSIGHT_DAILY_DIGEST_HOUR = 8
    Subscription.objects.create(user=owner, kind=Kind.ACTION_OVERDUE, delivery=Delivery.DIGEST)
    Subscription.objects.create(user=owner, kind=Kind.ACTION_DUE_SOON, delivery=Delivery.DIGEST)
    make_action_item(owner=owner, due_date=timezone.localdate() - timedelta(days=1))
    make_action_item(owner=owner, due_date=timezone.localdate() + timedelta(days=1))
    send_reminders(at(0, hour=7))
    assert Notification.objects.filter(kind=Kind.DAILY_DIGEST).count() == 0
    send_reminders(at(0, hour=9))
    send_reminders(at(0, hour=10))
    digest = Notification.objects.get(kind=Kind.DAILY_DIGEST)
    assert digest.included.count() == 2


def test_an_unsubscribed_kind_is_recorded_as_skipped(owner, make_action_item):
    Subscription.objects.create(user=owner, kind=Kind.ACTION_OVERDUE, delivery=Delivery.OFF)
    make_action_item(owner=owner, due_date=timezone.localdate() - timedelta(days=1))
    send_reminders(at(0))
    assert Notification.objects.get().state == State.SKIPPED


def test_the_commander_hears_a_day_before_the_postmortem_deadline(make_incident, service, settings):
    commander = make_user("cora", email="cora@example.com")
    resolved = timezone.now() - settings.HINDSIGHT_POSTMORTEM_DUE + timedelta(hours=12)
    make_incident(
        services=[service],
        commander=commander,
        started_at=resolved - timedelta(hours=2),
        resolved_at=resolved,
    )
    send_reminders()
    assert Notification.objects.get(recipient=commander).kind == Kind.POSTMORTEM_DUE_SOON


def test_an_overdue_postmortem_reminds_its_authors(postmortem, owner, settings):
    postmortem.authors.add(owner)
    incident = postmortem.incident
    incident.resolved_at = timezone.now() - settings.HINDSIGHT_POSTMORTEM_DUE - timedelta(hours=1)
    incident.started_at = incident.detected_at = incident.acknowledged_at = incident.mitigated_at = (
        incident.resolved_at - timedelta(hours=1)
    )
    incident.save()
    send_reminders()
    assert Notification.objects.get(recipient=owner).kind == Kind.POSTMORTEM_OVERDUE


def test_the_comms_lead_hears_before_a_status_update_is_overdue(make_incident, service):
    lead = make_user("cole", email="cole@example.com")
    make_incident(
        services=[service],
        status="investigating",
        severity=1,
        comms_lead=lead,
        started_at=timezone.now() - timedelta(minutes=30),
        detected_at=timezone.now() - timedelta(minutes=25),
    )
    send_reminders()
    assert Notification.objects.get(recipient=lead).kind == Kind.STATUS_UPDATE_DUE


def test_a_runbook_due_for_review_goes_to_its_teams_channel(team_channel):
    Runbook.objects.create(title="Checkout API", slug="checkout-api", owner_team=team_channel.team.name)
    send_reminders()
    assert Notification.objects.get(kind=Kind.RUNBOOK_REVIEW_DUE).chat_channel == team_channel


def test_the_weekly_team_digest_waits_for_the_teams_time(team_channel):
    team = team_channel.team
    team.digest_weekday = timezone.localdate().weekday()
    team.digest_time = time(9, 0)
    team.save()
    send_reminders(at(0, hour=8))
    assert not Notification.objects.filter(kind=Kind.TEAM_DIGEST).exists()


def test_the_weekly_team_digest_goes_once_per_channel(team_channel, make_action_item, owner):
    Team.objects.filter(pk=team_channel.team.pk).update(digest_weekday=timezone.localdate().weekday())
    make_action_item(team=team_channel.team.name, title="Nobody has this yet")
    send_reminders(at(0, hour=10))
    send_reminders(at(0, hour=11))
    digest = Notification.objects.get(kind=Kind.TEAM_DIGEST)
    assert "Unowned action items: 1" in digest.body_text
