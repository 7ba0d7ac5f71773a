"""Email through Django's SMTP backend to a real SMTP server on loopback."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications import delivery
from notifications.messages import Message
from notifications.models import Kind, Notification, State
from notifications.services import Target, queue_personal
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def queue(recipient, subject="Assigned to you: rotate the keys", **extra):
    return queue_personal(
        kind=Kind.ACTION_ASSIGNED,
        recipient=recipient,
        **extra,
        message=Message(
            subject=subject,
            lines=["Eddie gave you the action item."],
            link="/action-items/7/edit/",
        ),
    )


def test_an_email_has_plain_text_and_html_parts(smtp_server, owner):
    notification = queue(owner)
    delivery.deliver(notification.pk)
    kinds = [part.get_content_type() for part in smtp_server.messages[0].walk()]
    assert {"text/plain", "text/html"} <= set(kinds)


def test_an_email_links_to_the_thing(smtp_server, owner):
    delivery.deliver(queue(owner).pk)
    text = smtp_server.messages[0].get_body(("plain",)).get_content()
    assert "https://hindsight.example.com/action-items/7/edit/" in text


def test_an_email_carries_one_click_unsubscribe_headers(smtp_server, owner):
    delivery.deliver(queue(owner).pk)
    message = smtp_server.messages[0]
    assert (
        message["List-Unsubscribe"]
        .strip()
        .startswith("<https://hindsight.example.com/notifications/unsubscribe/")
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_sent_email_is_marked_sent(smtp_server, owner):
    notification = queue(owner)
    delivery.deliver(notification.pk)
    notification.refresh_from_db()
    assert notification.state == State.SENT


def test_a_message_is_sent_once_even_when_delivered_twice(smtp_server, owner):
    notification = queue(owner)
    delivery.deliver(notification.pk)
    delivery.deliver(notification.pk)
    assert len(smtp_server.messages) == 1


def test_a_mail_server_that_is_down_loses_nothing(smtp_server, owner):
    first = queue(owner, subject="First")
    delivery.deliver(first.pk)
    smtp_server.stop()  # the mail server goes away mid-run
    second = queue(owner, subject="Second")
    delivery.deliver(second.pk)
    second.refresh_from_db()
    assert (second.state, second.attempts) == (State.QUEUED, 1)
    assert "Connection" in second.reason or "refused" in second.reason.lower()
    smtp_server.start()  # back on the same port
    later = timezone.now() + timedelta(minutes=2)
    delivery.deliver_due(now=later)
    # the retry is due one minute later; deliver_due with a later clock stands in for the worker's wait
    assert [message["Subject"] for message in smtp_server.messages] == ["First"]


def test_a_queued_retry_goes_out_when_the_server_is_back(smtp_server, owner, monkeypatch):
    smtp_server.stop()
    notification = queue(owner, subject="Waiting")
    delivery.deliver(notification.pk)
    smtp_server.start()
    monkeypatch.setattr(timezone, "now", lambda: Notification.objects.get(pk=notification.pk).next_attempt_at)
    delivery.deliver_due()
    assert [message["Subject"] for message in smtp_server.messages] == ["Waiting"]


def test_delivery_gives_up_after_the_last_retry_with_the_reason(smtp_server, owner, monkeypatch):
    smtp_server.stop()
    notification = queue(owner)
    for _ in range(3):  # one try and two retries (short_retry_delays)
        monkeypatch.setattr(
            timezone, "now", lambda: Notification.objects.get(pk=notification.pk).next_attempt_at
        )
        delivery.deliver(notification.pk)
    notification.refresh_from_db()
    assert notification.state == State.FAILED
    assert notification.reason.startswith("Gave up after 3 attempts")


def test_an_invalid_address_fails_without_retrying(smtp_server):
    person = make_user("typo", email="not-an-address@")
    notification = queue(person)
    delivery.deliver(notification.pk)
    notification.refresh_from_db()
    assert (notification.state, notification.reason) == (
        State.FAILED,
        "Invalid email address 'not-an-address@'.",
    )


def test_a_person_without_email_is_skipped(smtp_server):
    notification = queue(make_user("noemail"))
    delivery.deliver(notification.pk)
    notification.refresh_from_db()
    assert (notification.state, notification.reason) == (State.SKIPPED, "The recipient has no email address.")


def test_an_inactive_person_is_skipped(smtp_server):
    person = make_user("gone", email="gone@example.com")
    notification = queue(person)
    person.is_active = False
    person.save()
    delivery.deliver(notification.pk)
    notification.refresh_from_db()
    assert (notification.state, notification.reason) == (
        State.SKIPPED,
        "The recipient's account is inactive.",
    )


def test_a_reminder_about_a_deleted_action_item_is_skipped(smtp_server, owner, make_action_item):
    item = make_action_item(owner=owner)
    notification = queue(owner, target=Target.of(item))
    item.delete()
    delivery.deliver(notification.pk)
    notification.refresh_from_db()
    assert (notification.state, notification.reason) == (State.SKIPPED, "What it was about has been deleted.")
    assert smtp_server.messages == []


def test_a_server_refusing_the_recipient_fails_with_its_answer(smtp_server, owner):
    async def refuse(server, session, envelope, address, options):
        return "550 No such mailbox"

    smtp_server.inbox.handle_RCPT = refuse
    notification = queue(owner)
    delivery.deliver(notification.pk)
    notification.refresh_from_db()
    assert notification.state == State.FAILED
    assert "refused 'olga@example.com'" in notification.reason
