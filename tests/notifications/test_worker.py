"""The task worker: messages written with a change are delivered by `db_worker` after the commit."""

import pytest
from django.core.management import call_command
from django.db import transaction

from notifications.messages import Message
from notifications.models import Kind, Notification, State
from notifications.services import notifications_suppressed, queue_personal

pytestmark = pytest.mark.django_db(transaction=True)


def queue(recipient):
    return queue_personal(
        kind=Kind.ACTION_ASSIGNED,
        recipient=recipient,
        message=Message(subject="Assigned to you", lines=["Yours."], link="/"),
    )


def test_the_worker_delivers_what_a_committed_change_queued(owner, smtp_server):
    with transaction.atomic():
        notification = queue(owner)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    notification.refresh_from_db()
    assert notification.state == State.SENT


def test_a_rolled_back_change_sends_nothing(owner, smtp_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue(owner)
        raise RuntimeError("the change failed")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert (Notification.objects.count(), smtp_server.messages) == (0, [])


def test_suppressed_notifications_are_not_queued(owner):
    with notifications_suppressed():
        queue(owner)
    assert not Notification.objects.exists()


def test_send_reminders_command_is_idempotent(owner, make_action_item):
    from datetime import timedelta

    from django.utils import timezone

    make_action_item(owner=owner, due_date=timezone.localdate() - timedelta(days=3))
    call_command("send_reminders", verbosity=0)
    call_command("send_reminders", verbosity=0)
    assert Notification.objects.filter(kind=Kind.ACTION_OVERDUE).count() == 1
