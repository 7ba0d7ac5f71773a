"""Reads of the notifications app: team digests and calendar contents."""

from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.urls import reverse

from incidents.models import Service
from postmortems.models import ActionItem, Postmortem, PostmortemQuerySet
from runbooks.models import Runbook

from .messages import Message
from .models import ReviewMeeting, Team

DIGEST_ROWS = 10
CALENDAR_ITEMS = 500


def team_names() -> list[str]:
    """Teams named on services, plus teams that only have settings."""
    named = set(Service.objects.values_list("team", flat=True).distinct())
    return sorted(named | set(Team.objects.values_list("name", flat=True)))


def team_postmortems(team: str | None) -> PostmortemQuerySet:
    return Postmortem.objects.filter(incident__services__team=team).distinct()


def team_digest(*, team: str, today: date, now: datetime) -> Message:
    """The weekly digest: what the team's review meeting should look at."""
    items = ActionItem.objects.filter(team=team)
    sections = [
        ("Unowned action items", items.unowned()),
        ("Overdue action items", items.overdue(today)),
        ("Due this week", items.due_within(7, today)),
        ("Closed last week", items.recently_closed(7, now)),
    ]
    lines = [f"Weekly digest for {team}, {today:%A %d %B %Y}."]
    rows: list[tuple[str, str]] = []
    for label, queryset in sections:
        found = list(queryset.order_by("due_date", "pk")[: DIGEST_ROWS + 1])
        lines.append(f"{label}: {len(found) if len(found) <= DIGEST_ROWS else f'{DIGEST_ROWS}+'}")
        rows += [(f"{label}: {item.title}", item.get_absolute_url()) for item in found[:DIGEST_ROWS]]
    waiting = list(team_postmortems(team).unpublished().order_by("created_at")[:DIGEST_ROWS])
    lines.append(f"Postmortems waiting: {len(waiting)}{'+' if len(waiting) == DIGEST_ROWS else ''}")
    rows += [(f"Postmortem: {postmortem.title}", postmortem.get_absolute_url()) for postmortem in waiting]
    runbooks = list(
        Runbook.objects.due_for_review(now).filter(owner_team=team).order_by("title")[:DIGEST_ROWS]
    )
    lines.append(f"Runbooks due for review: {len(runbooks)}{'+' if len(runbooks) == DIGEST_ROWS else ''}")
    rows += [(f"Runbook: {runbook.title}", runbook.get_absolute_url()) for runbook in runbooks]
    return Message(
        subject=f"Weekly digest: {team}",
        lines=lines,
        items=rows,
        link=f"{reverse('actions:review')}?team={team}",
    )


def calendar_action_items(
    *, owner: User | None = None, team: str | None = None, today: date
) -> QuerySet[ActionItem]:
    """Open action items with a due date (and those closed in the last 30 days), for a feed."""
    items = ActionItem.objects.filter(due_date__isnull=False).filter(
        Q(status__in=ActionItem.OPEN_STATUSES) | Q(due_date__gte=today - timedelta(days=30))
    )
    items = items.filter(owner=owner) if owner is not None else items.filter(team=team)
    return items.select_related("postmortem").order_by("-due_date")[:CALENDAR_ITEMS]


def calendar_meetings(*, attendee: User | None = None, team: str | None = None) -> QuerySet[ReviewMeeting]:
    meetings = ReviewMeeting.objects.select_related("postmortem", "organizer")
    if attendee is not None:
        meetings = meetings.filter(attendees=attendee)
    else:
        meetings = meetings.filter(postmortem__in=team_postmortems(team))
    return meetings.prefetch_related("attendees").order_by("-starts_at")[:CALENDAR_ITEMS]
