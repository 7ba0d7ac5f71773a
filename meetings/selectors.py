"""Reads about review meetings: what a meeting's scope holds, what changed since the last one, an item's history,
and slippage (due dates that keep moving)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from incidents.models import Service, visible_q
from notifications.models import Team
from postmortems.models import ActionItem, ActionItemQuerySet, Postmortem, PostmortemQuerySet
from runbooks.models import Runbook, RunbookQuerySet

from .models import AgendaItem, Decision, DueDateChange, Meeting

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

SINCE_LAST_LIMIT = 10
OTHER_ITEMS_LIMIT = 10
HISTORY_LIMIT = 20
TREND_MEETINGS = 6

# A due-date change that moved the date later (or dropped it): the promise slipped.
SLIP = Q(old_date__isnull=False) & (Q(new_date__isnull=True) | Q(new_date__gt=F("old_date")))


def absent_or_visible(viewer: Any, **paths: str) -> Q:
    """Rows whose optional links (name → path to its incident, e.g. action_item="action_item__postmortem__incident__")
    are each empty or reach an incident `viewer` may see."""
    allowed = Q()
    for link, path in paths.items():
        visible = visible_q(viewer, path)
        if visible:  # an empty Q (a superuser sees everything) would swallow the OR below
            allowed &= Q(**{f"{link}__isnull": True}) | visible
    return allowed


def visible_agenda_q(viewer: Any) -> Q:
    """Agenda items of action items and postmortems `viewer` may see (runbooks are never restricted)."""
    return absent_or_visible(
        viewer, action_item="action_item__postmortem__incident__", postmortem="postmortem__incident__"
    )


def visible_decisions_q(viewer: Any) -> Q:
    return absent_or_visible(
        viewer,
        action_item="action_item__postmortem__incident__",
        agenda_item__postmortem="agenda_item__postmortem__incident__",
    )


def hidden_agenda_items(viewer: Any, agenda_items: list[AgendaItem]) -> set[int]:
    """The primary keys of these agenda items that `viewer` may not see (one query): an agenda is built by one person
    and read by others, and the titles it keeps must not reach those outside a restricted incident."""
    pks = {agenda_item.pk for agenda_item in agenda_items}
    visible = (
        AgendaItem.objects.filter(pk__in=pks).filter(visible_agenda_q(viewer)).values_list("pk", flat=True)
    )
    return pks - set(visible)


def scoped_action_items(*, team: Team | None, service: Service | None, viewer: Any) -> ActionItemQuerySet:
    """The action items a meeting with these filters reviews (the review page's team and service filters), of
    incidents `viewer` may see."""
    items = ActionItem.objects.visible_to(viewer).order_by()
    if team is not None:
        items = items.filter(team=team.name)
    if service is not None:
        items = items.filter(postmortem__incident__services=service)
    return items


def scoped_postmortems(*, team: Team | None, service: Service | None, viewer: Any) -> PostmortemQuerySet:
    postmortems = Postmortem.objects.visible_to(viewer).order_by()
    if team is not None:
        postmortems = postmortems.filter(
            pk__in=Postmortem.objects.filter(incident__services__team=team.name).values("pk")
        )
    if service is not None:
        postmortems = postmortems.filter(
            pk__in=Postmortem.objects.filter(incident__services=service).values("pk")
        )
    return postmortems


def scoped_runbooks(*, team: Team | None, service: Service | None) -> RunbookQuerySet:
    runbooks = Runbook.objects.order_by()
    if team is not None:
        runbooks = runbooks.filter(
            pk__in=Runbook.objects.filter(Q(owner_team=team.name) | Q(services__team=team.name)).values("pk")
        )
    if service is not None:
        runbooks = runbooks.filter(pk__in=Runbook.objects.filter(services=service).values("pk"))
    return runbooks


class Slips(TypedDict):
    slips: int


def slipping_items(
    items: QuerySet[ActionItem], minimum: int = 2
) -> "QuerySet[WithAnnotations[ActionItem, Slips]]":
    """Items whose due date slipped at least `minimum` times, annotated with `slips`."""
    return items.annotate(slips=Count("due_date_changes", filter=_slip_of_item())).filter(slips__gte=minimum)


def _slip_of_item() -> Q:
    return Q(due_date_changes__old_date__isnull=False) & (
        Q(due_date_changes__new_date__isnull=True)
        | Q(due_date_changes__new_date__gt=F("due_date_changes__old_date"))
    )


def previous_meeting(
    *, team: Team | None, service: Service | None, before: datetime | None = None
) -> Meeting | None:
    """The last meeting with the same scope: "since last meeting" and "new since" compare with it."""
    meetings = Meeting.objects.of_team(team).filter(service=service)
    if before is not None:
        meetings = meetings.filter(started_at__lt=before)
    return meetings.order_by("-started_at", "-pk").first()


@dataclass
class SinceLast:
    previous: Meeting | None
    closed: list[ActionItem] = field(default_factory=list)
    closed_count: int = 0
    newly_overdue: list[ActionItem] = field(default_factory=list)
    newly_overdue_count: int = 0
    newly_unowned: list[ActionItem] = field(default_factory=list)
    newly_unowned_count: int = 0


def since_last_meeting(meeting: Meeting, *, viewer: Any, today: date | None = None) -> SinceLast:
    """Closed since the previous meeting started; overdue or unowned now but not on its agenda as such (of what
    `viewer` may see)."""
    previous = meeting.previous
    result = SinceLast(previous=previous)
    if previous is None:
        return result
    today = today or timezone.localdate()
    items = scoped_action_items(team=meeting.team, service=meeting.service, viewer=viewer).select_related(
        "owner"
    )
    earlier = AgendaItem.objects.filter(meeting=previous, action_item__isnull=False)
    lists = {
        "closed": items.closed()
        .filter(completed_at__gte=previous.started_at)
        .order_by("-completed_at", "-pk"),
        "newly_overdue": items.overdue(today)
        .exclude(pk__in=earlier.filter(section=AgendaItem.Section.OVERDUE).values("action_item"))
        .order_by("due_date", "pk"),
        "newly_unowned": items.unowned()
        .exclude(pk__in=earlier.filter(section=AgendaItem.Section.UNOWNED).values("action_item"))
        .order_by("due_date", "pk"),
    }
    for name, queryset in lists.items():
        setattr(result, name, list(queryset[:SINCE_LAST_LIMIT]))
        setattr(result, f"{name}_count", queryset.count())  # always: a page's query count stays fixed
    return result


@dataclass
class ItemContext:
    other_open_items: list[ActionItem]
    due_date_history: list[DueDateChange]
    decisions: list[Decision]
    latest_decision: Decision | None
    slips: int


def item_context(agenda_item: AgendaItem, *, viewer: Any) -> ItemContext:
    """What the step page shows beside an item: its owner's other open items (those `viewer` may see), its due-date
    and decision history."""
    item = agenda_item.action_item
    all_decisions = Decision.objects.select_related("by", "owner", "meeting")
    if item is None:
        decisions = list(all_decisions.filter(agenda_item=agenda_item).order_by("-pk")[:HISTORY_LIMIT])
        return ItemContext([], [], decisions, decisions[0] if decisions else None, 0)
    others = []
    if item.owner_id:
        others = list(
            ActionItem.objects.visible_to(viewer)
            .open()
            .filter(owner_id=item.owner_id)
            .exclude(pk=item.pk)
            .select_related("postmortem__incident")
            .order_by("due_date", "priority", "pk")[:OTHER_ITEMS_LIMIT]
        )
    history = list(
        DueDateChange.objects.filter(action_item=item)
        .select_related("by", "meeting")
        .order_by("-at", "-pk")[:HISTORY_LIMIT]
    )
    decisions = list(all_decisions.filter(action_item=item).order_by("-pk")[:HISTORY_LIMIT])
    slips = sum(1 for change in history if change.is_slip)
    return ItemContext(others, history, decisions, decisions[0] if decisions else None, slips)


def latest_decision_id(*, agenda_item: AgendaItem) -> int | None:
    """The newest decision about the item (in any meeting): the version a decision form was made against."""
    decisions = Decision.objects.order_by("-pk")
    if agenda_item.action_item_id:
        decisions = decisions.filter(action_item_id=agenda_item.action_item_id)
    else:
        decisions = decisions.filter(agenda_item=agenda_item)
    return decisions.values_list("pk", flat=True).first()


def open_item_trend(meeting: Meeting) -> list[Meeting]:
    """This meeting and the team's meetings before it, oldest first: open items at each."""
    earlier = (
        Meeting.objects.of_team(meeting.team)
        .filter(service=meeting.service, started_at__lte=meeting.started_at)
        .order_by("-started_at", "-pk")
        .only("pk", "started_at", "open_items_at_start", "open_items_at_end", "ended_at")[:TREND_MEETINGS]
    )
    return list(reversed(earlier))


@dataclass
class TeamSlippage:
    team: str
    items: int
    slips: int
    days: int


def slippage_by_team(items: QuerySet[ActionItem] | None = None) -> list[TeamSlippage]:
    """Per team: how many items' due dates slipped, how many times and by how many days in all."""
    changes = DueDateChange.objects.filter(SLIP).order_by()
    if items is not None:
        changes = changes.filter(action_item__in=items.values("pk"))
    rows = (
        changes.values("action_item__team")
        .annotate(items=Count("action_item", distinct=True), slips=Count("pk"))
        .order_by("-slips", "action_item__team")
    )
    days = _days_moved_by_team(changes)
    return [
        TeamSlippage(
            team=row["action_item__team"] or "No team",
            items=row["items"],
            slips=row["slips"],
            days=days.get(row["action_item__team"], 0),
        )
        for row in rows
    ]


def _days_moved_by_team(changes: QuerySet[DueDateChange]) -> dict[str, int]:
    """Date arithmetic differs per database; the moved dates are few, so sum them here."""
    totals: dict[str, int] = {}
    for team, old, new in changes.filter(new_date__isnull=False).values_list(
        "action_item__team", "old_date", "new_date"
    ):
        assert old is not None and new is not None  # SLIP: a slip had a date; the filter: it has one now
        totals[team] = totals.get(team, 0) + (new - old).days
    return totals


def most_slipped_items(items: QuerySet[ActionItem] | None = None, limit: int = 10) -> list[ActionItem]:
    """Items whose due date moved twice or more, most moves first."""
    base = items if items is not None else ActionItem.objects.all()
    return list(
        slipping_items(base.order_by())
        .select_related("owner", "postmortem__incident")
        .order_by("-slips", "due_date", "pk")[:limit]
    )


def total_seconds(meeting: Meeting) -> int:
    return AgendaItem.objects.filter(meeting=meeting).aggregate(total=Sum("seconds_spent"))["total"] or 0
