"""What needs attention now: each block is a named queryset, its size, its first few rows, and the link to the
filtered list that shows exactly the same rows (so the count on Home always equals that list's length)."""

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from incidents.models import Category, Incident
from postmortems.models import ActionItem, Postmortem
from runbooks.models import Runbook

BLOCK_SIZE = 5


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
    """The URL of a list page with its filter parameters; None while that page doesn't exist yet."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(params)}" if params else url


def block(key, title, explanation, queryset, url, empty, tone="warn"):
    return Block(key, title, explanation, queryset.count(), list(queryset[:BLOCK_SIZE]), url, empty, tone)


def quarter_start(today=None):
    today = today or timezone.localdate()
    return today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)


def open_incidents(now):
    """Open incidents, most severe and oldest first, with whether each is on its update cadence."""
    queryset = Incident.objects.open().with_last_update().prefetch_related("services").order_by(
        "severity", "started_at", "id")
    incidents = list(queryset[:50])
    for incident in incidents:
        incident.target_check = incident.response_target_check(now)
        due = incident.next_update_due(incident.last_update_at)
        incident.update_overdue = bool(due and due < now)
    return queryset.count(), incidents


def recurring_categories_this_quarter(today=None):
    """Categories with two or more incidents started since the start of this quarter."""
    start = quarter_start(today)
    since = timezone.make_aware(datetime.combine(start, time.min))
    categories = (Category.objects.filter(incidents__started_at__gte=since)
                  .annotate(n=Count("incidents", distinct=True)).filter(n__gte=2).order_by("-n", "name"))
    return start, list(categories)


def attention_blocks(now=None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    return [
        block("update_overdue", "Status updates overdue",
              "Open incidents whose last update is older than their severity's cadence.",
              Incident.objects.update_overdue(now).order_by("severity", "started_at"),
              list_url("incidents:list", update_overdue="true"), "Every open incident is on its update cadence.",
              tone="bad"),
        block("postmortems_overdue", "Postmortems overdue",
              "Resolved more than 48 hours ago and still not published.",
              Postmortem.objects.overdue(now).select_related("incident").order_by("incident__resolved_at"),
              list_url("postmortems:list", overdue="true"), "No overdue postmortems."),
        block("missing_postmortem", "SEV-1/2 without a postmortem",
              "Serious incidents nobody has started a postmortem for.",
              Incident.objects.missing_postmortem().order_by("-resolved_at"),
              list_url("incidents:list", needs_postmortem="true"), "Every serious incident has a postmortem."),
        block("unowned_actions", "Unowned action items", "Promises nobody has taken on.",
              ActionItem.objects.unowned().select_related("postmortem__incident").order_by("due_date", "id"),
              list_url("actions:review", owner="none", status="open"), "Every open action item has an owner."),
        block("overdue_actions", "Overdue action items", "Open past their due date.",
              ActionItem.objects.overdue(today).select_related("owner", "postmortem__incident")
              .order_by("due_date", "id"),
              list_url("actions:list", section="overdue"), "Nothing overdue.", tone="bad"),
        block("runbooks_due", "Runbooks due for review", "Never reviewed, or past their own review interval.",
              Runbook.objects.due_for_review(now).order_by("review_due_at", "title"),
              list_url("runbooks:list", due="true"), "Every runbook has been reviewed on time."),
        block("runbooks_need_update", "Runbooks flagged: needs update",
              "Reported as not helping during an incident since their last review.",
              Runbook.objects.needs_update().order_by("title"),
              list_url("runbooks:list", needs_update="true"), "No runbook has been reported unhelpful.", tone="bad"),
    ]
