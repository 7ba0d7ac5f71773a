"""What `manage.py send_reminders` sends: reminder stages, digests, each inserted once by its dedupe key.

Every reminder has a key naming the item, the stage and the recipient (`action-overdue:12:2026-11-01:u7:w2` is
the third weekly overdue reminder for item 12 to user 7). Rows are inserted one by one and a UNIQUE violation
means another run got there first — safe with any number of concurrent runs. A person or a chat channel that
would get more than settings.HINDSIGHT_REMINDER_BATCH new reminders in one run gets one combined message
instead, listing them all (the individual rows stay on the Outbox, marked as sent in that message).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from incidents.models import Incident
from postmortems.models import ActionItem, Postmortem
from runbooks.models import Runbook

from .messages import Message, render_text
from .models import Channel, ChatChannel, Delivery, Kind, Notification, State, Subscription, Team
from .services import (
    Target,
    chat_notification,
    enqueue_on_commit,
    insert_many,
    insert_once,
    personal_notification,
)

DUE_SOON_DAYS = 3
POSTMORTEM_WARNING = timedelta(hours=24)
OVERDUE_POSTMORTEMS_LOOKBACK = timedelta(days=7)
STATUS_UPDATE_WARNING = timedelta(minutes=10)
KEY_CHUNK = 500


@dataclass
class Pending:
    kind: str
    dedupe_key: str
    message: Message
    target: Target | None = None
    recipient_id: int | None = None
    chat_channel: ChatChannel | None = None

    @property
    def destination(self) -> tuple[str, int]:
        return ("user", self.recipient_id) if self.recipient_id else ("chat", self.chat_channel.pk)


# --- reminder stages --------------------------------------------------------------------------------------
def action_item_reminders(today: date) -> Iterator[Pending]:
    items = ActionItem.objects.open().filter(owner__isnull=False, due_date__isnull=False)
    due_soon = items.filter(due_date__gte=today, due_date__lte=today + timedelta(days=DUE_SOON_DAYS))
    for item in due_soon.select_related("postmortem").iterator(chunk_size=2000):
        days = (item.due_date - today).days
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        yield Pending(
            kind=Kind.ACTION_DUE_SOON,
            recipient_id=item.owner_id,
            target=Target.of(item),
            dedupe_key=f"action-due-soon:{item.pk}:{item.due_date}:u{item.owner_id}",
            message=Message(
                subject=f"Due {when}: {item.title}",
                link=item.get_absolute_url(),
                lines=[
                    f"Your action item “{item.title}” from “{item.postmortem.title}” "
                    f"is due {when} ({item.due_date})."
                ],
            ),
        )
    for item in items.filter(due_date__lt=today).select_related("postmortem").iterator(chunk_size=2000):
        days = (today - item.due_date).days
        yield Pending(
            kind=Kind.ACTION_OVERDUE,
            recipient_id=item.owner_id,
            target=Target.of(item),
            dedupe_key=f"action-overdue:{item.pk}:{item.due_date}:u{item.owner_id}:w{days // 7}",
            message=Message(
                subject=f"Overdue: {item.title}",
                link=item.get_absolute_url(),
                lines=[
                    f"Your action item “{item.title}” from “{item.postmortem.title}” "
                    f"was due on {item.due_date} "
                    f"({days} day{'s' if days != 1 else ''} ago). Close it, move the date, or hand it on."
                ],
            ),
        )


def postmortem_reminders(now: datetime) -> Iterator[Pending]:
    """24 h before the postmortem deadline, and once when it passes: to the commander and the authors."""
    due = settings.HINDSIGHT_POSTMORTEM_DUE
    incidents = (
        Incident.objects.resolved()
        .filter(
            resolved_at__gt=now - due - OVERDUE_POSTMORTEMS_LOOKBACK,
            resolved_at__lte=now - due + POSTMORTEM_WARNING,
        )
        .exclude(postmortem__status=Postmortem.Status.PUBLISHED)
        .select_related("postmortem")
    )
    authors = defaultdict(set)
    through = Postmortem.authors.through.objects.filter(postmortem__incident__in=incidents)
    for incident_id, user_id in through.values_list("postmortem__incident_id", "user_id"):
        authors[incident_id].add(user_id)
    for incident in incidents:
        deadline = incident.resolved_at + due
        overdue = deadline <= now
        stage, kind = (
            ("overdue", Kind.POSTMORTEM_OVERDUE) if overdue else ("due-soon", Kind.POSTMORTEM_DUE_SOON)
        )
        postmortem = getattr(incident, "postmortem", None)
        link = postmortem.get_absolute_url() if postmortem else incident.get_absolute_url()
        text = (
            f"The postmortem for {incident.reference} “{incident.title}” "
            f"was due at {deadline:%Y-%m-%d %H:%M %Z}."
            if overdue
            else f"The postmortem for {incident.reference} “{incident.title}” "
            f"is due by {deadline:%Y-%m-%d %H:%M %Z}."
        )
        subject = f"{'Overdue' if overdue else 'Due within 24 hours'}: postmortem for {incident.reference}"
        for user_id in {incident.commander_id, *authors[incident.pk]} - {None}:
            yield Pending(
                kind=kind,
                recipient_id=user_id,
                target=Target.of(incident),
                dedupe_key=f"postmortem-{stage}:{incident.pk}:u{user_id}",
                message=Message(subject=subject, lines=[text], link=link),
            )


def status_update_reminders(now: datetime) -> Iterator[Pending]:
    incidents = Incident.objects.update_overdue(now + STATUS_UPDATE_WARNING)
    for incident in incidents:
        user_id = incident.comms_lead_id or incident.commander_id
        if user_id is None:
            continue
        cadence = settings.HINDSIGHT_UPDATE_CADENCE[incident.severity]
        due_at = incident.last_communicated_at + cadence
        yield Pending(
            kind=Kind.STATUS_UPDATE_DUE,
            recipient_id=user_id,
            target=Target.of(incident),
            dedupe_key=f"update-due:{incident.pk}:{incident.last_communicated_at.isoformat()}",
            message=Message(
                subject=f"Status update due for {incident.reference}",
                link=incident.get_absolute_url(),
                lines=[
                    f"{incident.reference} “{incident.title}” needs a status update by "
                    f"{due_at:%H:%M %Z} (every {int(cadence.total_seconds() // 60)} minutes for "
                    f"{incident.get_severity_display()})."
                ],
            ),
        )


def runbook_reminders(now: datetime) -> Iterator[Pending]:
    channels = channels_by_team()
    runbooks = (
        Runbook.objects.due_for_review(now)
        .filter(owner_team__in=channels)
        .only("pk", "title", "slug", "owner_team", "last_reviewed_at", "review_interval_days")
    )
    for runbook in runbooks.iterator(chunk_size=2000):
        reviewed = runbook.last_reviewed_at.date().isoformat() if runbook.last_reviewed_at else "never"
        message = Message(
            subject=f"Runbook due for review: {runbook.title}",
            link=runbook.get_absolute_url(),
            lines=[f"“{runbook.title}” was last reviewed {reviewed}; it is due for its review."],
        )
        for channel in channels[runbook.owner_team]:
            yield Pending(
                kind=Kind.RUNBOOK_REVIEW_DUE,
                chat_channel=channel,
                target=Target.of(runbook),
                dedupe_key=f"runbook-review:{runbook.pk}:{reviewed}:chat{channel.pk}",
                message=message,
            )


def channels_by_team() -> dict[str, list[ChatChannel]]:
    channels = defaultdict(list)
    for channel in ChatChannel.objects.filter(enabled=True).select_related("team"):
        channels[channel.team.name].append(channel)
    return dict(channels)


# --- inserting, batching ----------------------------------------------------------------------------------
def new_only(pending: Iterable[Pending]) -> Iterator[Pending]:
    """Drop reminders whose key is already on the Outbox (a cheap filter; the UNIQUE key is the guarantee)."""
    chunk: list[Pending] = []
    for item in pending:
        chunk.append(item)
        if len(chunk) >= KEY_CHUNK:
            yield from _unsent(chunk)
            chunk = []
    yield from _unsent(chunk)


def _unsent(chunk: list[Pending]) -> list[Pending]:
    keys = [item.dedupe_key for item in chunk]
    taken = set(Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
    return [item for item in chunk if item.dedupe_key not in taken]


def queue_reminders(pending: Iterable[Pending], now: datetime) -> list[Notification]:
    """Insert each new reminder once; per destination, many at once become one combined message."""
    by_destination: dict[tuple[str, int], list[Pending]] = defaultdict(list)
    for item in new_only(pending):
        by_destination[item.destination].append(item)
    users = get_user_model()._default_manager.in_bulk([key[1] for key in by_destination if key[0] == "user"])
    choices = subscription_choices(list(users))
    queued = []
    for (kind_of_destination, pk), items in by_destination.items():
        with transaction.atomic():
            if kind_of_destination == "user":
                queued += queue_for_person(users[pk], items, choices, now)
            else:
                queued += queue_for_channel(items, now)
    return queued


def subscription_choices(user_ids: list[int]) -> dict[tuple[int, str], str]:
    rows = Subscription.objects.filter(user_id__in=user_ids).values_list("user_id", "kind", "delivery")
    return {(user_id, kind): delivery for user_id, kind, delivery in rows}


def queue_for_person(user, items: list[Pending], choices: dict, now: datetime) -> list[Notification]:
    emailed = [
        item
        for item in items
        if choices.get((user.pk, item.kind), Delivery.IMMEDIATELY) == Delivery.IMMEDIATELY
    ]
    if len(emailed) <= settings.HINDSIGHT_REMINDER_BATCH:
        emailed = []  # few enough: each goes on its own
    batched = {id(item) for item in emailed}
    included = insert_many([included_notification(item, recipient=user) for item in emailed])
    inserted = []
    for item in items:
        if id(item) in batched:
            continue
        notification = insert_once(
            personal_notification(
                kind=item.kind,
                recipient=user,
                message=item.message,
                target=item.target,
                dedupe_key=item.dedupe_key,
                delivery=choices.get((user.pk, item.kind), Delivery.IMMEDIATELY),
            )
        )
        if notification:
            enqueue_on_commit(notification)
            inserted.append(notification)
    if included:
        combined = personal_notification(
            kind=Kind.REMINDER_DIGEST,
            recipient=user,
            delivery=Delivery.IMMEDIATELY,
            message=combined_message(included, f"{len(included)} reminders for you"),
        )
        combined.save()
        enqueue_on_commit(combined)
        mark_included(included, combined)
        inserted += [*included, combined]
    return inserted


def included_notification(item: Pending, *, recipient=None, chat_channel=None) -> Notification:
    """A reminder that travels inside a combined message: recorded (and deduplicated) but not sent alone."""
    return Notification(
        kind=item.kind,
        channel=Channel.CHAT if chat_channel else Channel.EMAIL,
        recipient=recipient,
        chat_channel=chat_channel,
        team=chat_channel.team.name if chat_channel else "",
        address=recipient.email if recipient else chat_channel.name,
        subject=item.message.subject[:250],
        body_text=render_text(item.message),
        link=item.message.link,
        dedupe_key=item.dedupe_key,
        target_type=item.target.type if item.target else "",
        target_id=item.target.id if item.target else None,
        state=State.SKIPPED,
        reason="Sent together with others in one message.",
    )


def queue_for_channel(items: list[Pending], now: datetime) -> list[Notification]:
    channel = items[0].chat_channel
    batch = len(items) > settings.HINDSIGHT_REMINDER_BATCH
    if batch:
        inserted = insert_many([included_notification(item, chat_channel=channel) for item in items])
    else:
        inserted = []
        for item in items:
            notification = insert_once(
                chat_notification(
                    kind=item.kind,
                    channel=channel,
                    message=item.message,
                    target=item.target,
                    dedupe_key=item.dedupe_key,
                )
            )
            if notification:
                enqueue_on_commit(notification)
                inserted.append(notification)
    if batch and inserted:
        combined = chat_notification(
            kind=Kind.REMINDER_DIGEST,
            channel=channel,
            message=combined_message(inserted, f"{len(inserted)} reminders for {channel.team.name}"),
        )
        combined.save()
        enqueue_on_commit(combined)
        mark_included(inserted, combined)
        inserted.append(combined)
    return inserted


def combined_message(
    notifications: list[Notification], subject: str, lines: list[str] | None = None
) -> Message:
    return Message(
        subject=subject,
        lines=lines or [f"{subject}, all at once rather than one message each:"],
        items=[(n.subject, n.link) for n in notifications],
    )


def mark_included(notifications: list[Notification], combined: Notification) -> None:
    ids = [n.pk for n in notifications]
    for start in range(0, len(ids), KEY_CHUNK):
        Notification.objects.filter(pk__in=ids[start : start + KEY_CHUNK]).update(
            state=State.SKIPPED,
            held_for_digest=False,
            digest=combined,
            reason=f"Sent together with others in message #{combined.pk}.",
        )


# --- digests ----------------------------------------------------------------------------------------------
def queue_daily_digests(now: datetime) -> list[Notification]:
    """After the digest hour, one email per person with what waited for it today."""
    local = timezone.localtime(now)
    if local.hour < settings.HINDSIGHT_DAILY_DIGEST_HOUR:
        return []
    queued = []
    waiting = defaultdict(list)
    for notification in (
        Notification.objects.held_for_digest().select_related("recipient").order_by("created_at")
    ):
        waiting[notification.recipient].append(notification)
    for user, notifications in waiting.items():
        with transaction.atomic():
            digest = insert_once(
                personal_notification(
                    kind=Kind.DAILY_DIGEST,
                    recipient=user,
                    delivery=Delivery.IMMEDIATELY,
                    dedupe_key=f"daily-digest:u{user.pk}:{local.date()}",
                    message=combined_message(
                        notifications, f"Your Hindsight digest for {local.date():%A %d %B}"
                    ),
                )
            )
            if digest:
                enqueue_on_commit(digest)
                mark_included(notifications, digest)
                queued.append(digest)
    return queued


def digest_moment(team: Team, now: datetime) -> datetime:
    """This week's digest time for the team (server time zone); may be in the future."""
    local = timezone.localtime(now)
    monday = local.date() - timedelta(days=local.weekday())
    day = monday + timedelta(days=team.digest_weekday)
    return timezone.make_aware(datetime.combine(day, team.digest_time), timezone.get_current_timezone())


def queue_team_digests(now: datetime) -> list[Notification]:
    from .selectors import team_digest

    queued = []
    for team in Team.objects.prefetch_related("chat_channels"):
        moment = digest_moment(team, now)
        channels = [channel for channel in team.chat_channels.all() if channel.enabled]
        if moment > now or not channels:
            continue
        message = team_digest(team=team.name, today=timezone.localdate(now), now=now)
        for channel in channels:
            with transaction.atomic():
                notification = insert_once(
                    chat_notification(
                        kind=Kind.TEAM_DIGEST,
                        channel=channel,
                        message=message,
                        dedupe_key=f"team-digest:{team.pk}:{moment.date()}:chat{channel.pk}",
                    )
                )
                if notification:
                    enqueue_on_commit(notification)
                    queued.append(notification)
    return queued


def send_reminders(now: datetime | None = None) -> dict[str, int]:
    """Everything due at `now`; safe to run as often and as concurrently as you like."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {
        "action items": len(queue_reminders(action_item_reminders(today), now)),
        "postmortems": len(queue_reminders(postmortem_reminders(now), now)),
        "status updates": len(queue_reminders(status_update_reminders(now), now)),
        "runbooks": len(queue_reminders(runbook_reminders(now), now)),
        "team digests": len(queue_team_digests(now)),
        "daily digests": len(queue_daily_digests(now)),
    }
    return counts
