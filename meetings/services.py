"""Writes of the review meeting: start it (building the agenda), record decisions, keep notes and time, end it.

The narrow writes on action items here (owner, due date, closing) are the meeting's own; when
postmortems/services.py offers the same operations these should call them.
"""

import hashlib
from collections.abc import Iterable
from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from core.people import display_name
from documents.markdown import render_markdown
from incidents.models import Service
from notifications.messages import Message
from notifications.models import Kind, Team
from notifications.services import Target, notify_action_item_assigned, queue_personal
from postmortems.models import ActionItem, Postmortem
from runbooks.models import Runbook

from . import selectors
from .models import AgendaItem, Decision, DueDateChange, Meeting

DUE_SOON_DAYS = 7
MAX_TIMER_SECONDS_PER_REPORT = 60 * 60  # one report from a page adds at most an hour
ACTION_ITEM_KINDS = set(Decision.Kind.values)
OTHER_KINDS = {Decision.Kind.NO_CHANGE, Decision.Kind.ESCALATED}


class DecisionConflict(Exception):
    """Someone else decided about the item (or changed it) after this form was shown; nothing was written."""

    def __init__(self, latest: Decision | None):
        super().__init__("The item changed while you were deciding.")
        self.latest = latest


def item_version(item: ActionItem | None) -> str:
    """What a decision form carries to notice a change made elsewhere meanwhile."""
    return item.updated_at.isoformat() if item is not None else ""


# --- Starting: the agenda ---------------------------------------------------------------------------------
@transaction.atomic
def start_meeting(
    *,
    team: Team | None,
    service: Service | None,
    attendees: Iterable[User],
    by: User,
    now: datetime | None = None,
) -> Meeting:
    now = now or timezone.now()
    meeting = Meeting.objects.create(
        team=team,
        service=service,
        previous=selectors.previous_meeting(team=team, service=service, before=now),
        started_by=by,
        started_at=now,
    )
    meeting.attendees.set(attendees)
    items = selectors.scoped_action_items(team=team, service=service, viewer=by)
    meeting.open_items_at_start = items.open().count()
    rows = agenda_rows(meeting, now, viewer=by)
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=position, **row) for position, row in enumerate(rows, start=1)
    )
    meeting.agenda_size = len(rows)
    meeting.save(update_fields=["open_items_at_start", "agenda_size"])
    return meeting


def agenda_rows(meeting: Meeting, now: datetime, *, viewer: User) -> list[dict]:
    """The agenda in its fixed order; an item already on it is not repeated by a later section. Only what `viewer`
    (who starts the meeting) may see: nothing of a restricted incident they are not on.

    One query per section whatever the agenda's size (only primary keys and titles are read)."""
    today = timezone.localdate(now)
    team, service = meeting.team, meeting.service
    items = selectors.scoped_action_items(team=team, service=service, viewer=viewer)
    by_due = ("due_date", "priority", "pk")
    sections = [
        (AgendaItem.Section.UNOWNED, items.unowned().order_by(*by_due)),
        (AgendaItem.Section.OVERDUE, items.overdue(today).order_by(*by_due)),
        (AgendaItem.Section.DUE_SOON, items.due_within(DUE_SOON_DAYS, today).order_by(*by_due)),
    ]
    rows: list[dict] = []
    seen: set[int] = set()
    for section, queryset in sections:
        rows += _item_rows(section, queryset, seen)
    postmortems = selectors.scoped_postmortems(team=team, service=service, viewer=viewer)
    waiting = postmortems.filter(status=Postmortem.Status.IN_REVIEW) | postmortems.overdue(now)
    for pk, title in waiting.order_by("created_at", "pk").values_list("pk", "title"):
        rows.append({"section": AgendaItem.Section.POSTMORTEM, "postmortem_id": pk, "title": title[:200]})
    runbooks = selectors.scoped_runbooks(team=team, service=service).filter(
        pk__in=Runbook.objects.needs_update().values("pk")
    )
    for pk, title in runbooks.order_by("title", "pk").values_list("pk", "title"):
        rows.append({"section": AgendaItem.Section.RUNBOOK, "runbook_id": pk, "title": title[:200]})
    if meeting.previous is not None:
        new = items.open().filter(created_at__gt=meeting.previous.started_at).order_by("created_at", "pk")
        rows += _item_rows(AgendaItem.Section.NEW, new, seen)
    rows += _item_rows(
        AgendaItem.Section.SLIPPING, selectors.slipping_items(items.open()).order_by(*by_due), seen
    )
    return rows


def _item_rows(section: str, queryset: QuerySet[ActionItem], seen: set[int]) -> list[dict]:
    rows = []
    for pk, title in queryset.values_list("pk", "title"):
        if pk not in seen:
            seen.add(pk)
            rows.append({"section": section, "action_item_id": pk, "title": title})
    return rows


# --- During the meeting --------------------------------------------------------------------------------------
def _check_open(meeting: Meeting) -> None:
    if not meeting.is_open:
        raise ValidationError("This meeting has ended: what it recorded can no longer change.")


@transaction.atomic
def record_decision(
    *,
    agenda_item: AgendaItem,
    kind: str,
    by: User,
    seen_decision_id: int | None,
    seen_version: str,
    owner: User | None = None,
    due_date: date | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> Decision:
    """Decide about one agenda item and apply it to the action item, unless someone decided or changed it
    after the deciding person's form was shown (then DecisionConflict, and nothing is written)."""
    meeting = Meeting.objects.select_for_update().get(pk=agenda_item.meeting_id)
    _check_open(meeting)
    now = now or timezone.now()
    reason = reason.strip()
    item = None
    if agenda_item.action_item_id:
        item = ActionItem.objects.select_for_update().filter(pk=agenda_item.action_item_id).first()
    elif agenda_item.target is None:
        raise ValidationError("What this agenda item pointed at was deleted; move on to the next one.")
    if agenda_item.action_item_id and item is None:
        raise ValidationError("This action item was deleted during the meeting; move on to the next one.")
    latest_id = selectors.latest_decision_id(agenda_item=agenda_item)
    if latest_id != seen_decision_id or (item is not None and item_version(item) != seen_version):
        latest = None
        if latest_id is not None:
            latest = Decision.objects.select_related("by", "owner", "meeting").filter(pk=latest_id).first()
        raise DecisionConflict(latest)
    decision = Decision(
        meeting=meeting,
        agenda_item=agenda_item,
        action_item=item,
        kind=kind,
        reason=reason,
        by=by,
        at=now,
    )
    old_due_date = None
    if item is None:
        if kind not in OTHER_KINDS:
            raise ValidationError({"kind": "For a postmortem or a runbook: “discussed” or “escalated”."})
    else:
        old_due_date = item.due_date
        _apply_to_item(decision, item, owner=owner, due_date=due_date)
    decision.full_clean(exclude=["meeting", "agenda_item", "action_item", "by", "owner"])
    decision.save()
    if kind == Decision.Kind.NEW_DUE_DATE:
        assert item is not None  # a new due date is only decided about an action item (checked above)
        DueDateChange.objects.create(
            action_item=item,
            old_date=old_due_date,
            new_date=due_date,
            reason=reason,
            meeting=meeting,
            by=by,
            at=now,
        )
    return decision


def _apply_to_item(
    decision: Decision, item: ActionItem, *, owner: User | None, due_date: date | None
) -> None:
    kind, reason, by = decision.kind, decision.reason, decision.by
    if kind not in ACTION_ITEM_KINDS:
        raise ValidationError({"kind": "Choose what was decided."})
    if kind in {Decision.Kind.DONE, Decision.Kind.WONT_DO, Decision.Kind.NEW_DUE_DATE} and not item.is_open:
        raise ValidationError({"kind": f"It is already closed ({item.get_status_display().lower()})."})
    if kind == Decision.Kind.ASSIGNED:
        if owner is None:
            raise ValidationError({"owner": "Name who takes it."})
        if owner.pk == item.owner_id:
            raise ValidationError({"owner": "They own it already: choose “discussed, no change”."})
        previous_owner = item.owner
        item.owner = owner
        decision.owner = owner
        _save_item(item, ["owner"])
        notify_action_item_assigned(item=item, previous_owner=previous_owner, by=by)
    elif kind == Decision.Kind.NEW_DUE_DATE:
        if due_date is None:
            raise ValidationError({"due_date": "Choose the new due date."})
        if due_date == item.due_date:
            raise ValidationError({"due_date": "That is the due date it has already."})
        if not reason:
            raise ValidationError(
                {"reason": "Say why the due date moves: slippage is what the review tracks."}
            )
        decision.due_date = due_date
        item.due_date = due_date
        _save_item(item, ["due_date"])
    elif kind == Decision.Kind.DONE:
        item.status = ActionItem.Status.DONE
        _save_item(item, ["status"])
    elif kind == Decision.Kind.WONT_DO:
        if not reason:
            raise ValidationError({"reason": "Say why it won't be done."})
        item.status, item.wont_do_reason = ActionItem.Status.WONT_DO, reason
        _save_item(item, ["status", "wont_do_reason"])


def _save_item(item: ActionItem, fields: list[str]) -> None:
    try:
        item.full_clean(exclude=["postmortem", "runbook", "created_by"])
    except ValidationError as error:
        raise ValidationError(
            {
                "due_date" if name == "due_date" else "__all__": messages
                for name, messages in error.message_dict.items()
            }
        ) from None
    item.save(update_fields=fields)


def notes_version(notes: str) -> str:
    """What a notes form carries to notice that someone else saved the notes meanwhile."""
    return hashlib.sha256(notes.encode()).hexdigest()[:16]


@transaction.atomic
def save_notes(*, meeting: Meeting, notes: str, by: User, seen_version: str | None = None) -> bool:
    """Save the notes; when someone else saved theirs after this form was shown, keep both (theirs first).
    Returns whether the texts had to be kept side by side."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_open(meeting)
    merged = seen_version is not None and seen_version != notes_version(meeting.notes)
    if merged and notes.strip() and notes.strip() != meeting.notes.strip():
        notes = f"{meeting.notes.rstrip()}\n\n---\n\n*Also saved by {display_name(by)}:*\n\n{notes}"
    elif merged:
        notes, merged = meeting.notes, False
    meeting.notes = notes
    meeting.full_clean(exclude=["team", "service", "previous", "started_by", "ended_by"])
    meeting.notes_html = render_markdown(notes)
    meeting.save(update_fields=["notes", "notes_html"])
    return merged


def add_time(*, agenda_item: AgendaItem, seconds: int) -> None:
    """Time spent on an item, reported by the step page's timer; only while the meeting is open."""
    seconds = max(0, min(int(seconds), MAX_TIMER_SECONDS_PER_REPORT))
    if seconds:
        AgendaItem.objects.filter(pk=agenda_item.pk, meeting__ended_at__isnull=True).update(
            seconds_spent=F("seconds_spent") + seconds
        )


# --- Ending --------------------------------------------------------------------------------------------------
@transaction.atomic
def end_meeting(
    *,
    meeting: Meeting,
    by: User | None,
    now: datetime | None = None,
    automatically: bool = False,
) -> Meeting:
    """End it (keeping everything recorded) and send each attendee the summary. Ending twice changes nothing."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("team", "service", "started_by")
        .get(pk=meeting.pk)
    )
    if not meeting.is_open:
        return meeting
    meeting.ended_at = now or timezone.now()
    meeting.ended_by = by
    meeting.closed_automatically = automatically
    # Counted as at the start: what the person who started it may see.
    items = selectors.scoped_action_items(
        team=meeting.team, service=meeting.service, viewer=meeting.started_by
    )
    meeting.open_items_at_end = items.open().count()
    meeting.save(update_fields=["ended_at", "ended_by", "closed_automatically", "open_items_at_end"])
    notify_attendees(meeting)
    return meeting


def close_if_stale(*, meeting: Meeting, now: datetime | None = None) -> Meeting:
    """A meeting left open past AUTO_CLOSE_AFTER ends itself when next looked at."""
    if meeting.is_stale(now):
        return end_meeting(meeting=meeting, by=None, now=now, automatically=True)
    return meeting


def close_stale_meetings(*, now: datetime | None = None) -> int:
    """For the periodic reminders command: end every meeting left open too long."""
    closed = 0
    for meeting in Meeting.objects.stale(now).only("pk"):
        end_meeting(meeting=meeting, by=None, now=now, automatically=True)
        closed += 1
    return closed


def notify_attendees(meeting: Meeting) -> None:
    """The summary names only decisions about unrestricted incidents: the Outbox shows every message to those
    allowed to read it, so an email must not carry what only some may see (the meeting page shows each reader
    all they may see)."""
    decisions = list(
        Decision.objects.filter(meeting=meeting).filter(selectors.visible_decisions_q(None)).for_summary()
    )
    message = _summary_message(meeting, decisions)
    for attendee in meeting.attendees.all():
        queue_personal(
            kind=Kind.MEETING_SUMMARY,
            recipient=attendee,
            message=message,
            target=Target.of(meeting),
            dedupe_key=f"meeting-summary:{meeting.pk}:u{attendee.pk}",
        )


def _summary_message(meeting: Meeting, decisions: list[Decision]) -> Message:
    lines = [
        f"The action-item review “{meeting.scope}” of {timezone.localtime(meeting.started_at):%d %B %Y} "
        f"{'was closed automatically' if meeting.closed_automatically else 'has ended'}: "
        f"{len(decisions)} decision{'s' if len(decisions) != 1 else ''} on {meeting.agenda_size} agenda items.",
    ]
    rows = [(summary_line(decision), "") for decision in decisions[:50]]
    return Message(
        subject=f"Review meeting summary: {meeting.scope}",
        lines=lines,
        link=meeting.get_absolute_url(),
        items=rows,
    )


def summary_line(decision: Decision) -> str:
    title = (
        decision.action_item.title if decision.action_item else str(decision.agenda_item or "A deleted item")
    )
    details: dict[str, str] = {
        Decision.Kind.ASSIGNED: f" → {display_name(decision.owner)}",
        Decision.Kind.NEW_DUE_DATE: f" → due {decision.due_date}",
    }
    detail = details.get(decision.kind, "")
    reason = f" ({decision.reason})" if decision.reason else ""
    return f"{decision.get_kind_display()}{detail}: {title}{reason}"
