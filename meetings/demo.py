"""Demo data for review meetings: the busiest team held a meeting a week ago (with decisions, a moved due date and
notes) and has one running now; a few items' due dates slipped more than once. Idempotent: nothing is added once
any meeting exists."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from incidents.demo import PEOPLE
from notifications.services import notifications_suppressed, team_named
from postmortems.models import ActionItem

from . import services
from .models import AgendaItem, Decision, DueDateChange, Meeting

SLIP_REASONS = ["Waiting on the vendor's fix", "Blocked by the platform migration", "Bigger than estimated"]


def seed():
    if Meeting.objects.exists():
        return 0
    people = list(
        get_user_model().objects.filter(username__in=[name for name, _, _ in PEOPLE]).order_by("username")
    )
    busiest = (
        ActionItem.objects.open()
        .exclude(team="")
        .values("team")
        .annotate(n=Count("pk"))
        .order_by("-n", "team")
        .first()
    )
    if not people or busiest is None:
        return 0
    with notifications_suppressed():
        team = team_named(name=busiest["team"])
        created = seed_slippage(team.name, people)
        now = timezone.now()
        earlier = services.start_meeting(
            team=team, service=None, attendees=people[:4], by=people[0], now=now - timedelta(days=7)
        )
        decide_a_few(earlier, people, now - timedelta(days=7, minutes=-20))
        services.save_notes(
            meeting=earlier,
            notes="- Unowned items went to volunteers.\n- **Next time:** start with the slips.",
            by=people[0],
        )
        services.end_meeting(meeting=earlier, by=people[0], now=now - timedelta(days=7, minutes=-45))
        services.start_meeting(team=team, service=None, attendees=people[:3], by=people[1], now=now)
    return created + 2


def seed_slippage(team, people):
    """Two due-date moves each on a few open items: the postmortem-theatre signal on Insights."""
    created = 0
    items = ActionItem.objects.open().filter(team=team, due_date__isnull=False).order_by("pk")[:3]
    for number, item in enumerate(items):
        due = item.due_date
        for step in (2, 1):
            DueDateChange.objects.create(
                action_item=item,
                old_date=due - timedelta(days=14 * step),
                new_date=due - timedelta(days=14 * (step - 1)),
                reason=SLIP_REASONS[(number + step) % len(SLIP_REASONS)],
                by=people[number % len(people)],
                at=timezone.now() - timedelta(days=10 * step),
            )
            created += 1
    return created


def decide_a_few(meeting, people, at):
    """One of each kind of decision that suits the first items of the agenda."""
    agenda = list(meeting.agenda.filter(action_item__isnull=False).select_related("action_item")[:5])
    plans = [
        {"kind": Decision.Kind.ASSIGNED, "owner": people[2]},
        {"kind": Decision.Kind.NEW_DUE_DATE, "reason": "Needs the new load balancer first"},
        {"kind": Decision.Kind.ESCALATED, "reason": "Needs a decision from the platform lead"},
        {"kind": Decision.Kind.NO_CHANGE},
        {"kind": Decision.Kind.DONE},
    ]
    for agenda_item, plan in zip(agenda, plans, strict=False):
        item = agenda_item.action_item
        if plan["kind"] == Decision.Kind.ASSIGNED and item.owner_id == plan["owner"].pk:
            plan = {"kind": Decision.Kind.NO_CHANGE}
        if plan["kind"] == Decision.Kind.NEW_DUE_DATE:
            plan["due_date"] = (item.due_date or timezone.localdate()) + timedelta(days=21)
        services.record_decision(
            agenda_item=agenda_item,
            by=people[0],
            seen_decision_id=None,
            seen_version=services.item_version(item),
            now=at,
            **plan,
        )
        AgendaItem.objects.filter(pk=agenda_item.pk).update(seconds_spent=90)
