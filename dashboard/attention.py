"""What needs attention now: each block is a named queryset, its size, its first few rows, and the link to the
filtered list that shows exactly the same rows (so the count on Home always equals that list's length)."""

from dataclasses import dataclass
from datetime import datetime, time

from django.conf import settings
from django.db import connection
from django.db.models import Case, DateTimeField, ExpressionWrapper, F, Func, Min, Value, When
from django.db.models.functions import Coalesce, Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from core.freshness import Fresh
from incidents.models import Category, Incident
from postmortems.models import ActionItem, Postmortem
from reviews.selectors import waiting_for_review
from runbooks.models import Runbook

from .visibility import cached_for_viewer

BLOCK_SIZE = 5
OPEN_INCIDENTS_SHOWN = 50
HOME_REVIEW_LIMIT = 10


@dataclass
class Block:
    key: str
    title: str
    explanation: str
    count: int
    items: list
    url: str
    empty: str
    tone: str = "warn"


def list_url(name, **params):
    """The URL of a list page with its filter parameters."""
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


def postmortem_due_hours():
    return int(settings.HINDSIGHT_POSTMORTEM_DUE.total_seconds() // 3600)


def count_all(**querysets):
    """Sizes of several named querysets, of any models, in one round trip: {name: count}.

    One `SELECT (SELECT COUNT(*) …) AS a, (SELECT COUNT(*) …) AS b`: each count is its own indexed query
    inside, instead of a scan of a whole table filtering every row.
    """
    parts, params = [], []
    for name, queryset in querysets.items():
        counting = queryset.order_by().annotate(_n=Func(F("pk"), function="COUNT")).values("_n")
        sql, sql_params = counting.query.get_compiler(using=queryset.db).as_sql()
        parts.append(f"({sql}) AS {connection.ops.quote_name(name)}")
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return dict(zip(querysets, cursor.fetchone(), strict=False))


def block(key, title, explanation, queryset, url, empty, counts, tone="warn"):
    return Block(key, title, explanation, counts[key], list(queryset[:BLOCK_SIZE]), url, empty, tone)


def quarter_start(today=None):
    today = today or timezone.localdate()
    return today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)


def home_page(now, user):
    """Home below its heading, as HTML, and its counts: the same for every reader who may see what `user` may see
    and has the same right to edit action items. Cached until the next write, or until the next moment a count moves
    with the clock alone (`next_deadline`); the times it shows are filled in per request (dashboard.live)."""
    can_edit_items = user.has_perm("postmortems.change_actionitem")

    def compute():
        open_count, blocks = attention_blocks(now, user)
        start, recurring = recurring_categories_this_quarter(timezone.localdate(now), user)
        for category in recurring:
            category.list_url = list_url(
                "incidents:list", category=category.pk, started_min=start.isoformat(), kind="real"
            )
        shown = {
            "open_count": open_count,
            "open_incidents": with_response_facts(open_incidents(user)),
            "open_url": list_url("incidents:list", status="open", kind="real"),
            "blocks": blocks,
            "recurring": recurring,
            "quarter_start": start,
            "waiting_for_review": waiting_for_review(viewer=user, limit=HOME_REVIEW_LIMIT),
            "perms": {"postmortems": {"change_actionitem": can_edit_items}},
            "path": reverse("home"),
        }
        page = {
            "open_count": open_count,
            "counts": {block.key: block.count for block in blocks},
            "attention": render_to_string("dashboard/_attention.html", shown),
        }
        return Fresh(page, until=next_deadline(now))

    return cached_for_viewer("home", user, [can_edit_items], compute, now=now)


def next_deadline(now):
    """The first moment after `now` at which a Home figure changes with no write: an open incident's update falls
    due, a postmortem falls overdue, a runbook falls due for review (days are in the cache key). Taken over every
    incident, visible or not: too early only costs a recomputation."""
    moments = [_next_update_due(now), _next_postmortem_due(now), _next_runbook_review(now)]
    return min((moment for moment in moments if moment is not None), default=None)


def _next_update_due(now):
    due = Case(
        *(
            When(
                severity=severity,
                then=ExpressionWrapper(F("last_communicated_at") + Value(cadence), DateTimeField()),
            )
            for severity, cadence in settings.HINDSIGHT_UPDATE_CADENCE.items()
        ),
        output_field=DateTimeField(),
    )
    incidents = (
        Incident.objects.real()
        .open()
        .with_last_update()
        .annotate(last_communicated_at=Coalesce("last_update_at", "detected_at", "started_at"), due=due)
        .filter(due__gte=now)
    )
    return incidents.aggregate(first=Min("due"))["first"]


def _next_postmortem_due(now):
    due_after = now - settings.HINDSIGHT_POSTMORTEM_DUE
    pending = Postmortem.objects.unpublished().filter(incident__resolved_at__gte=due_after)
    first = pending.aggregate(first=Min("incident__resolved_at"))["first"]
    return first + settings.HINDSIGHT_POSTMORTEM_DUE if first else None


def _next_runbook_review(now):
    return (
        Runbook.objects.with_review_due_at()
        .filter(review_due_at__gt=now)
        .aggregate(first=Min("review_due_at"))["first"]
    )


def open_incidents(user=None):
    """The most urgent open incidents (most severe, oldest first; their total comes from `attention_blocks`)."""
    queryset = (
        Incident.objects.real()
        .visible_to(user)
        .open()
        .with_last_update()
        .prefetch_related("services")
        .order_by("severity", "started_at", "id")
    )
    return list(queryset[:OPEN_INCIDENTS_SHOWN])


def with_response_facts(incidents):
    """Each open incident with its response-target check (as far as it does not move with the clock: an awaiting
    acknowledgement is a live slot) and when its next status update is due."""
    for incident in incidents:
        incident.target_check = incident.response_target_check()
        incident.update_due = incident.next_update_due(incident.last_update_at)
    return incidents


def recurring_categories_this_quarter(today=None, user=None):
    """Categories with two or more incidents started since the start of this quarter."""
    start = quarter_start(today)
    since = timezone.make_aware(datetime.combine(start, time.min))
    incidents = Incident.objects.real().visible_to(user).filter(started_at__gte=since)
    return start, list(Category.objects.recurring(incidents))


def attention_blocks(now=None, user=None):
    """(number of open incidents, [Block]) with every count taken in one query per model."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Practice (drills, game days) never asks for attention here; the links filter the lists the same way.
    real = Incident.objects.real().visible_to(user)
    update_overdue = real.update_overdue(now)
    missing_postmortem = real.missing_postmortem()
    postmortems_overdue = Postmortem.objects.visible_to(user).overdue(now)
    items = ActionItem.objects.visible_to(user)
    unowned_actions, overdue_actions = items.unowned(), items.overdue(today)
    runbooks_due, runbooks_need_update = Runbook.objects.due_for_review(now), Runbook.objects.needs_update()
    counts = count_all(
        open_incidents=real.open(),
        update_overdue=update_overdue,
        missing_postmortem=missing_postmortem,
        postmortems_overdue=postmortems_overdue,
        unowned_actions=unowned_actions,
        overdue_actions=overdue_actions,
        runbooks_due=runbooks_due,
        runbooks_need_update=runbooks_need_update,
    )
    return counts["open_incidents"], [
        block(
            "update_overdue",
            "Status updates overdue",
            "Open incidents whose last update is older than their severity's cadence.",
            update_overdue.order_by("severity", "started_at"),
            list_url("incidents:list", update_overdue="true", kind="real"),
            "Every open incident is on its update cadence.",
            counts,
            tone="bad",
        ),
        block(
            "postmortems_overdue",
            "Postmortems overdue",
            f"Resolved more than {postmortem_due_hours()} hours ago and still not published.",
            postmortems_overdue.select_related("incident")
            .defer("body", "rendered_body")
            .order_by("incident__resolved_at"),
            list_url("postmortems:list", overdue="true"),
            "No overdue postmortems.",
            counts,
        ),
        block(
            "missing_postmortem",
            "SEV-1/2 without a postmortem",
            "Serious incidents nobody has started a postmortem for.",
            missing_postmortem.order_by("-resolved_at"),
            list_url("incidents:list", needs_postmortem="true", kind="real"),
            "Every serious incident has a postmortem.",
            counts,
        ),
        block(
            "unowned_actions",
            "Unowned action items",
            "Promises nobody has taken on.",
            unowned_actions.select_related("postmortem__incident").order_by("due_date", "id"),
            list_url("actions:review", owner="none", status="open"),
            "Every open action item has an owner.",
            counts,
        ),
        block(
            "overdue_actions",
            "Overdue action items",
            "Open past their due date.",
            overdue_actions.select_related("owner", "postmortem__incident").order_by("due_date", "id"),
            list_url("actions:list", section="overdue"),
            "Nothing overdue.",
            counts,
            tone="bad",
        ),
        block(
            "runbooks_due",
            "Runbooks due for review",
            "Never reviewed, or past their own review interval.",
            runbooks_due.defer("body", "rendered_body").order_by("review_due_at", Lower("title")),
            list_url("runbooks:list", due="true"),
            "Every runbook has been reviewed on time.",
            counts,
        ),
        block(
            "runbooks_need_update",
            "Runbooks flagged: needs update",
            "Reported as not helping during an incident since their last review.",
            runbooks_need_update.defer("body", "rendered_body").order_by(Lower("title")),
            list_url("runbooks:list", needs_update="true"),
            "No runbook has been reported unhelpful.",
            counts,
            tone="bad",
        ),
    ]
