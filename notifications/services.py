"""Writes of the notifications app, and the `notify_…` functions other apps' services call.

A notification row is written inside the caller's transaction; delivery is enqueued with `on_commit`, so a
rolled-back change sends nothing. `notifications_suppressed()` silences everything (bulk imports).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from core.people import display_name as display_name_or

from .messages import Message, render_chat, render_html, render_text, unsubscribe_url
from .models import (
    DIGESTIBLE_KINDS,
    CalendarFeed,
    Channel,
    ChatChannel,
    Delivery,
    Kind,
    Notification,
    ReviewMeeting,
    State,
    Subscription,
    Team,
    new_token,
)

if TYPE_CHECKING:
    from incidents.models import Incident
    from postmortems.models import ActionItem, Postmortem
    from runbooks.models import RunbookUsage

_suppressed: ContextVar[bool] = ContextVar("notifications_suppressed", default=False)


@contextmanager
def notifications_suppressed() -> Iterator[None]:
    """Inside this block nothing is queued: for imports and restores that replay old events."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def are_suppressed() -> bool:
    return _suppressed.get()


@dataclass(frozen=True)
class Target:
    """What a message is about, looked up again before sending."""

    type: str
    id: int

    @classmethod
    def of(cls, instance: models.Model) -> "Target":
        return cls(type=instance._meta.label_lower, id=instance.pk)


def enqueue_delivery(notification_id: int, *, run_after: datetime | None = None) -> None:
    from .tasks import deliver_notification

    task = deliver_notification.using(run_after=run_after) if run_after else deliver_notification
    task.enqueue(notification_id)


def enqueue_on_commit(notification: Notification) -> None:
    if notification.state == State.QUEUED and not notification.held_for_digest:
        pk = notification.pk
        transaction.on_commit(lambda: enqueue_delivery(pk))


def delivery_for(user_id: int, kind: str) -> str:
    choice = (
        Subscription.objects.filter(user_id=user_id, kind=kind).values_list("delivery", flat=True).first()
    )
    return choice or Delivery.IMMEDIATELY


def insert_once(notification: Notification) -> Notification | None:
    """Insert; None when a row with the same dedupe key exists (the database decides, not a prior check)."""
    try:
        with transaction.atomic():
            notification.save(force_insert=True)
    except IntegrityError:
        if notification.dedupe_key is None:
            raise
        return None
    return notification


def insert_many(notifications: list[Notification], chunk_size: int = 500) -> list[Notification]:
    """Insert in bulk; a chunk hitting an existing dedupe key is retried row by row, keeping only new rows."""
    inserted = []
    for start in range(0, len(notifications), chunk_size):
        chunk = notifications[start : start + chunk_size]
        try:
            with transaction.atomic():
                inserted += Notification.objects.bulk_create(chunk)
        except IntegrityError:
            inserted += [row for row in (insert_once(notification) for notification in chunk) if row]
    return inserted


def personal_notification(
    *,
    kind: str,
    recipient: User,
    message: Message,
    target: Target | None = None,
    dedupe_key: str | None = None,
    ics: str = "",
    delivery: str | None = None,
) -> Notification:
    """An unsaved email to one person, in the state their preferences give it."""
    delivery = delivery or delivery_for(recipient.pk, kind)
    label = Kind(kind).label
    unsubscribe = unsubscribe_url(user_id=recipient.pk, kind=kind)
    notification = Notification(
        kind=kind,
        channel=Channel.EMAIL,
        recipient=recipient,
        address=recipient.email or "",
        subject=message.subject[:250],
        link=message.link,
        ics=ics,
        dedupe_key=dedupe_key,
        body_text=render_text(message, unsubscribe=unsubscribe, kind_label=label),
        body_html=render_html(message, unsubscribe=unsubscribe, kind_label=label),
        target_type=target.type if target else "",
        target_id=target.id if target else None,
    )
    if delivery == Delivery.OFF:
        notification.state, notification.reason = State.SKIPPED, "Unsubscribed from this kind of message."
    elif delivery == Delivery.DIGEST and kind in DIGESTIBLE_KINDS:
        notification.held_for_digest = True
    return notification


def queue_personal(
    *,
    kind: str,
    recipient: User | None,
    message: Message,
    target: Target | None = None,
    dedupe_key: str | None = None,
    ics: str = "",
) -> Notification | None:
    if are_suppressed() or recipient is None:
        return None
    notification = insert_once(
        personal_notification(
            kind=kind, recipient=recipient, message=message, target=target, dedupe_key=dedupe_key, ics=ics
        )
    )
    if notification:
        enqueue_on_commit(notification)
    return notification


def chat_notification(
    *,
    kind: str,
    channel: ChatChannel,
    message: Message,
    target: Target | None = None,
    dedupe_key: str | None = None,
) -> Notification:
    return Notification(
        kind=kind,
        channel=Channel.CHAT,
        chat_channel=channel,
        team=channel.team.name,
        address=channel.name,
        subject=message.subject[:250],
        body_text=render_chat(message),
        link=message.link,
        dedupe_key=dedupe_key,
        target_type=target.type if target else "",
        target_id=target.id if target else None,
    )


def queue_for_teams(
    *,
    kind: str,
    teams: Iterable[str],
    message: Message,
    target: Target | None = None,
    dedupe_key: str | None = None,
) -> list[Notification]:
    """One chat message per enabled channel of each team (teams without a channel get nothing)."""
    if are_suppressed():
        return []
    queued = []
    for channel in ChatChannel.objects.filter(team__name__in=set(teams), enabled=True).select_related("team"):
        key = f"{dedupe_key}:chat{channel.pk}" if dedupe_key else None
        notification = insert_once(
            chat_notification(kind=kind, channel=channel, message=message, target=target, dedupe_key=key)
        )
        if notification:
            enqueue_on_commit(notification)
            queued.append(notification)
    return queued


# --- People's settings -----------------------------------------------------------------------------------
@transaction.atomic
def set_delivery(*, user: User, kind: str, delivery: str) -> Subscription:
    Kind(kind), Delivery(delivery)
    subscription, _ = Subscription.objects.update_or_create(
        user=user, kind=kind, defaults={"delivery": delivery}
    )
    return subscription


def unsubscribe(*, user: User, kind: str) -> Subscription:
    return set_delivery(user=user, kind=kind, delivery=Delivery.OFF)


@transaction.atomic
def calendar_feed_for(*, user: User) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def revoke_calendar_feed(*, user: User) -> CalendarFeed:
    """A new secret address; the old one answers 404 from now on."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed


@transaction.atomic
def team_named(*, name: str) -> Team:
    team, _ = Team.objects.get_or_create(name=name)
    return team


@transaction.atomic
def revoke_team_calendar(*, team: Team) -> Team:
    team.calendar_token = new_token()
    team.save(update_fields=["calendar_token"])
    return team


@transaction.atomic
def add_chat_channel(*, team: Team, name: str, url: str) -> ChatChannel:
    channel = ChatChannel(team=team, name=name, url=url)
    channel.full_clean()
    channel.save()
    return channel


@transaction.atomic
def remove_chat_channel(*, channel: ChatChannel) -> None:
    channel.delete()


def mark_skipped_for_target(*, target: Target, reason: str) -> int:
    """Queued messages about something that no longer exists are skipped (the worker would skip them too)."""
    return Notification.objects.filter(
        state=State.QUEUED, target_type=target.type, target_id=target.id
    ).update(state=State.SKIPPED, reason=reason, held_for_digest=False)


def meeting_attendees(meeting: ReviewMeeting) -> list[User]:
    return list(meeting.attendees.all())


# --- Review meetings --------------------------------------------------------------------------------------
@transaction.atomic
def schedule_review_meeting(
    *,
    postmortem: "Postmortem",
    starts_at: datetime,
    duration_minutes: int,
    location: str,
    attendees: Iterable[User],
    by: User,
) -> ReviewMeeting:
    """Create or move the postmortem's review meeting and email every attendee an invitation (.ics)."""
    from .calendars import invitation

    meeting = ReviewMeeting.objects.select_for_update().filter(postmortem=postmortem).first()
    if meeting is None:
        meeting = ReviewMeeting(postmortem=postmortem)
    else:
        meeting.sequence += 1
    meeting.starts_at, meeting.duration_minutes, meeting.location = starts_at, duration_minutes, location
    meeting.organizer = by
    meeting.full_clean(exclude=["postmortem"])
    meeting.save()
    meeting.attendees.set(attendees)
    ics = invitation(meeting)
    when = timezone.localtime(starts_at)
    message = Message(
        subject=f"{'Moved: ' if meeting.sequence else ''}Postmortem review: {postmortem.title}",
        link=postmortem.get_absolute_url(),
        lines=[
            f"You are invited to review the postmortem “{postmortem.title}” "
            f"on {when:%A %d %B %Y at %H:%M %Z} "
            f"for {duration_minutes} minutes{f', in {location}' if location else ''}.",
            "The invitation is attached; read the postmortem before the meeting.",
        ],
    )
    for attendee in meeting.attendees.all():
        queue_personal(
            kind=Kind.REVIEW_MEETING,
            recipient=attendee,
            message=message,
            target=Target.of(meeting),
            dedupe_key=f"review-meeting:{meeting.pk}:seq{meeting.sequence}:u{attendee.pk}",
            ics=ics,
        )
    return meeting


# --- Events other apps report (called from their services) ------------------------------------------------
def notify_action_item_assigned(*, item: "ActionItem", previous_owner: User | None, by: User | None) -> None:
    """The new owner hears they have it; the previous owner that it went to someone else."""
    if item.owner_id == (previous_owner.pk if previous_owner else None):
        return
    due = f" It is due on {item.due_date}." if item.due_date else ""
    if item.owner is not None and item.owner != by:
        queue_personal(
            kind=Kind.ACTION_ASSIGNED,
            recipient=item.owner,
            target=Target.of(item),
            message=Message(
                subject=f"Assigned to you: {item.title}",
                link=item.get_absolute_url(),
                lines=[
                    f"{display_name(by)} gave you the action item “{item.title}” "
                    f"from “{item.postmortem.title}”.{due}"
                ],
            ),
        )
    if previous_owner is not None and previous_owner != by:
        queue_personal(
            kind=Kind.ACTION_REASSIGNED,
            recipient=previous_owner,
            target=Target.of(item),
            message=Message(
                subject=f"No longer yours: {item.title}",
                link=item.get_absolute_url(),
                lines=[
                    f"{display_name(by)} handed the action item “{item.title}” to "
                    f"{display_name(item.owner) if item.owner else 'nobody (it is unowned now)'}."
                ],
            ),
        )


def notify_postmortem_people_named(
    *,
    postmortem: "Postmortem",
    authors: Iterable[User],
    reviewers: Iterable[User],
    by: User | None,
) -> None:
    """Call with the people newly added as authors or reviewers."""
    for role, people in (("an author", authors), ("a reviewer", reviewers)):
        for person in people:
            if person == by:
                continue
            queue_personal(
                kind=Kind.POSTMORTEM_NAMED,
                recipient=person,
                target=Target.of(postmortem),
                message=Message(
                    subject=f"You are {role} of the postmortem “{postmortem.title}”",
                    link=postmortem.get_absolute_url(),
                    lines=[f"{display_name(by)} named you {role} of the postmortem “{postmortem.title}”."],
                ),
            )


def notify_review_requested(*, postmortem: "Postmortem", by: User | None) -> None:
    for reviewer in postmortem.reviewers.all():
        if reviewer == by:
            continue
        queue_personal(
            kind=Kind.POSTMORTEM_REVIEW_REQUESTED,
            recipient=reviewer,
            target=Target.of(postmortem),
            message=Message(
                subject=f"Review requested: {postmortem.title}",
                link=postmortem.get_absolute_url(),
                lines=[f"{display_name(by)} asks you to review the postmortem “{postmortem.title}”."],
            ),
        )


def incident_teams(incident: "Incident") -> set[str]:
    return set(incident.services.values_list("team", flat=True))


def notify_incident_declared(*, incident: "Incident") -> None:
    queue_for_teams(
        kind=Kind.INCIDENT_DECLARED,
        teams=incident_teams(incident),
        target=Target.of(incident),
        dedupe_key=f"incident-declared:{incident.pk}",
        message=Message(
            subject=f"{incident.get_severity_display()} declared: {incident.reference} {incident.title}",
            link=incident.get_absolute_url(),
            lines=[
                f"{incident.reference} “{incident.title}” was declared as "
                f"{incident.get_severity_display()}; commander: {display_name(incident.commander)}."
            ],
        ),
    )


def notify_severity_changed(*, incident: "Incident", previous: int) -> None:
    """Only a raise to SEV-1 or SEV-2 goes to the channel."""
    if incident.severity >= previous or incident.severity > 2:
        return
    queue_for_teams(
        kind=Kind.INCIDENT_SEVERITY_RAISED,
        teams=incident_teams(incident),
        target=Target.of(incident),
        dedupe_key=f"incident-severity:{incident.pk}:{previous}-{incident.severity}:{timezone.now():%Y%m%d%H%M%S%f}",
        message=Message(
            subject=f"Raised to {incident.get_severity_display()}: {incident.reference} {incident.title}",
            link=incident.get_absolute_url(),
            lines=[
                f"{incident.reference} “{incident.title}” is now {incident.get_severity_display()} "
                f"(was SEV-{previous})."
            ],
        ),
    )


def notify_incident_resolved(*, incident: "Incident") -> None:
    queue_for_teams(
        kind=Kind.INCIDENT_RESOLVED,
        teams=incident_teams(incident),
        target=Target.of(incident),
        dedupe_key=f"incident-resolved:{incident.pk}:{incident.resolved_at:%Y%m%d%H%M%S%f}",
        message=Message(
            subject=f"Resolved: {incident.reference} {incident.title}",
            link=incident.get_absolute_url(),
            lines=[f"{incident.reference} “{incident.title}” is resolved. Next: the postmortem."],
        ),
    )


def notify_runbook_didnt_help(*, usage: "RunbookUsage") -> None:
    runbook = usage.runbook
    if runbook is None or not runbook.owner_team:
        return
    queue_for_teams(
        kind=Kind.RUNBOOK_DIDNT_HELP,
        teams=[runbook.owner_team],
        target=Target.of(runbook),
        dedupe_key=f"runbook-didnt-help:{usage.pk}",
        message=Message(
            subject=f"Runbook didn't help: {runbook.title}",
            link=runbook.get_absolute_url(),
            lines=[
                f"During {usage.incident.reference} “{usage.incident.title}”, "
                f"“{runbook.title}” was reported as not helping"
                f"{f': {usage.note}' if usage.note else ''}. It needs an update."
            ],
        ),
    )


def display_name(user: User | None) -> str:
    return display_name_or(user, "Someone")
