"""Sending one queued notification: claim it, check it still makes sense, send, record the outcome.

A claim is one conditional UPDATE (state still queued, attempt time reached), so two workers never send
the same row; the claim pushes `next_attempt_at` a lease ahead, so a row whose worker died mid-send is
picked up again later. Transient failures (mail server down, chat service 500 or timeout) are retried
after the pauses in settings.HINDSIGHT_NOTIFICATION_RETRY_DELAYS, then the row ends as failed with the reason.
"""

import logging
import smtplib
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import apprise
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db.models import F
from django.utils import timezone

from .messages import unsubscribe_url
from .models import Channel, Delivery, Notification, State, Subscription

logger = logging.getLogger(__name__)
CLAIM_LEASE = timedelta(minutes=10)
SWEEP_BATCH = 500


class PermanentFailure(Exception):
    """Retrying cannot help (an address the server refuses, a URL no chat service understands)."""


def claim(notification_id: int, now: datetime) -> bool:
    return bool(
        Notification.objects.due_for_delivery(now)
        .filter(pk=notification_id)
        .update(attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_LEASE)
    )


def deliver(notification_id: int) -> str | None:
    """Try to send one notification; returns its new state, or None when it was not ours to send."""
    now = timezone.now()
    if not claim(notification_id, now):
        return None
    notification = Notification.objects.select_related("recipient", "chat_channel").get(pk=notification_id)
    skip_reason = reason_to_skip(notification)
    if skip_reason:
        return finish(notification, State.SKIPPED, skip_reason)
    try:
        send(notification)
    except PermanentFailure as error:
        return finish(notification, State.FAILED, str(error))
    except Exception as error:
        logger.warning(
            "Notification %s failed (attempt %s): %s", notification.pk, notification.attempts, error
        )
        return retry_later(notification, describe(error))
    return finish(notification, State.SENT, "")


def deliver_due(now: datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Deliver whatever is due (the safety net behind the per-message tasks); returns how many were tried."""
    due = list(
        Notification.objects.due_for_delivery(now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for notification_id in due:
        deliver(notification_id)
    return len(due)


def finish(notification: Notification, state: str, reason: str) -> str:
    notification.state, notification.reason = state, reason
    notification.sent_at = timezone.now() if state == State.SENT else None
    notification.save(update_fields=["state", "reason", "sent_at"])
    return state


def retry_later(notification: Notification, error: str) -> str:
    delays = settings.HINDSIGHT_NOTIFICATION_RETRY_DELAYS
    if notification.attempts > len(delays):
        return finish(notification, State.FAILED, f"Gave up after {notification.attempts} attempts: {error}")
    when = timezone.now() + delays[notification.attempts - 1]
    notification.next_attempt_at = when
    notification.reason = (
        f"Attempt {notification.attempts} failed: {error}. Next try at {when:%Y-%m-%d %H:%M:%S %Z}."
    )
    notification.save(update_fields=["next_attempt_at", "reason"])
    from .services import enqueue_delivery

    enqueue_delivery(notification.pk, run_after=when)
    return State.QUEUED


def describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def reason_to_skip(notification: Notification) -> str:
    if notification.target_type and not target_exists(notification.target_type, notification.target_id):
        return "What it was about has been deleted."
    if notification.channel == Channel.CHAT:
        if notification.chat_channel is None:
            return "The chat channel has been removed."
        return "" if notification.chat_channel.enabled else "The chat channel is disabled."
    recipient = notification.recipient
    if recipient is None:
        return "The recipient's account has been deleted."
    if not recipient.is_active:
        return "The recipient's account is inactive."
    if not recipient.email:
        return "The recipient has no email address."
    unsubscribed = Subscription.objects.filter(user=recipient, kind=notification.kind, delivery=Delivery.OFF)
    return "Unsubscribed from this kind of message." if unsubscribed.exists() else ""


def target_exists(target_type: str, target_id: int | None) -> bool:
    model = apps.get_model(target_type)
    return model._default_manager.filter(pk=target_id).exists()


def send(notification: Notification) -> None:
    if notification.channel == Channel.CHAT:
        post_to_chat(notification.chat_channel.url, title=notification.subject, body=notification.body_text)
    else:
        send_email(notification)


def send_email(notification: Notification) -> None:
    address = notification.recipient.email
    try:
        validate_email(address)
    except ValidationError as error:
        raise PermanentFailure(f"Invalid email address {address!r}.") from error
    notification.address = address
    unsubscribe = unsubscribe_url(user_id=notification.recipient_id, kind=notification.kind)
    email = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[address],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    if notification.body_html:
        email.attach_alternative(notification.body_html, "text/html")
    if notification.ics:
        email.attach("invitation.ics", notification.ics, "text/calendar; method=REQUEST; charset=utf-8")
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as error:
        raise PermanentFailure(f"The mail server refused {address!r}: {error.recipients}") from error
    except smtplib.SMTPResponseException as error:
        if error.smtp_code >= 500:
            raise PermanentFailure(
                f"The mail server refused the message: {error.smtp_code} {error.smtp_error!r}"
            ) from error
        raise
    Notification.objects.filter(pk=notification.pk).update(address=address)


def with_timeouts(url: str) -> str:
    """Apprise's connect (cto) and read (rto) timeouts unless the URL sets them: no hanging hook stalls us."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    seconds = str(settings.HINDSIGHT_CHAT_TIMEOUT_SECONDS)
    query.setdefault("cto", seconds)
    query.setdefault("rto", seconds)
    return urlunsplit(parts._replace(query=urlencode(query)))


def post_to_chat(url: str, *, title: str, body: str) -> None:
    notifier = apprise.Apprise()
    if not notifier.add(with_timeouts(url)):
        raise PermanentFailure(
            "Not a chat URL Apprise understands (slack://, mmost://, msteams://, discord://, json://…)."
        )
    with apprise.LogCapture(level=apprise.logging.WARNING) as log:
        delivered = bool(notifier.notify(title=title, body=body))
    if not delivered:
        lines = log.getvalue().strip().splitlines()
        raise ConnectionError(
            lines[-1].split(" - ", 2)[-1] if lines else "The chat service refused the message."
        )
