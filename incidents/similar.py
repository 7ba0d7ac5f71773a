"""Past incidents that look like this one, and the runbooks most likely to help.

Scored, not searched: sharing a category *and* a service with the incident (what Insights calls a repeat) counts
most, then shared categories and services, then the words of title and summary (search.backends.similar_objects),
then how recent the earlier incident is. The same code serves the incident page and the declare form, where only
a title, a summary and some services exist yet. A fixed number of queries whatever the size of the history.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from postmortems.models import ActionItem
from runbooks.models import Runbook, RunbookUsage
from search.backends import similar_objects

from .models import Incident

SHOWN = 5
CANDIDATES = 200
REPEAT_SCORE = 10.0  # shares a category and a service within the repeat window: a repeat, as Insights counts
CATEGORY_SCORE = 3.0
SERVICE_SCORE = 2.0
TEXT_SCORE = 4.0  # for the best text match, less for the others
RECENT_SCORE = 1.0  # started within the repeat window before this one


@dataclass
class Draft:
    """What is known of an incident: a saved one, or the declare form's title, summary and services."""

    title: str = ""
    summary: str = ""
    service_ids: list = field(default_factory=list)
    category_ids: list = field(default_factory=list)
    started_at: datetime | None = None
    pk: int | None = None

    @classmethod
    def of(cls, incident):
        return cls(
            title=incident.title,
            summary=incident.summary,
            service_ids=[service.pk for service in incident.services.all()],
            category_ids=[category.pk for category in incident.categories.all()],
            started_at=incident.started_at,
            pk=incident.pk,
        )


@dataclass
class SimilarIncident:
    incident: Incident  # annotated with action_items_total and action_items_open, postmortem selected
    score: float
    reasons: list

    @property
    def postmortem(self):
        return getattr(self.incident, "postmortem", None)


def similar_incidents(draft: Draft, user, limit=SHOWN) -> list[SimilarIncident]:
    """The `limit` past real incidents most like `draft`, best first. Three queries."""
    started = draft.started_at or timezone.now()
    past = Incident.objects.real().visible_to(user).filter(started_at__lte=started)
    if draft.pk is not None:  # an incident being edited is not like itself
        past = past.exclude(pk=draft.pk)
    scores, reasons = {}, {}
    if draft.service_ids or draft.category_ids:
        related = (
            past.filter(Q(services__in=draft.service_ids) | Q(categories__in=draft.category_ids))
            .annotate(
                shared_services=Count("services", filter=Q(services__in=draft.service_ids), distinct=True),
                shared_categories=Count(
                    "categories", filter=Q(categories__in=draft.category_ids), distinct=True
                ),
            )
            .order_by("-started_at", "-id")
            .values_list("pk", "started_at", "shared_services", "shared_categories")[:CANDIDATES]
        )
        for pk, other_started, services, categories in related:
            score, why = SERVICE_SCORE * services + CATEGORY_SCORE * categories, []
            recent = started - other_started <= settings.HINDSIGHT_REPEAT_WINDOW
            if services and categories and recent:
                score += REPEAT_SCORE
                why.append(
                    f"a repeat: same service and category within {settings.HINDSIGHT_REPEAT_WINDOW.days} days"
                )
            elif services and categories:
                why.append("same service and category")
            elif services:
                why.append("same service")
            else:
                why.append("same category")
            if recent:
                score += RECENT_SCORE
            scores[pk], reasons[pk] = score, why
    text = f"{draft.title} {draft.summary}"
    for position, (pk, _rank) in enumerate(similar_objects(text, "incident", limit=CANDIDATES // 4)):
        if pk == draft.pk:
            continue
        scores[pk] = scores.get(pk, 0.0) + TEXT_SCORE / (1 + position)
        reasons.setdefault(pk, []).append("similar words")
    best = sorted(scores, key=lambda pk: (-scores[pk], -pk))[: limit * 2]
    found = _with_follow_through(past.filter(pk__in=best))
    ranked = [pk for pk in best if pk in found][:limit]
    return [SimilarIncident(found[pk], scores[pk], reasons[pk]) for pk in ranked]


def _with_follow_through(incidents):
    items = "postmortem__action_items"
    return (
        incidents.select_related("postmortem")
        .only(
            "id",
            "title",
            "severity",
            "status",
            "kind",
            "started_at",
            "postmortem__id",
            "postmortem__title",
            "postmortem__status",
        )
        .annotate(
            action_items_total=Count(items),
            action_items_open=Count(items, filter=~Q(**{f"{items}__status__in": ActionItem.CLOSED_STATUSES})),
        )
        .in_bulk()
    )


def likely_runbooks(draft: Draft, similar: list[SimilarIncident], limit=SHOWN) -> list[Runbook]:
    """Runbooks that helped in the similar incidents first, then the services' runbooks, then search matches.
    Three queries."""
    helped = list(
        RunbookUsage.objects.filter(
            incident__in=[item.incident.pk for item in similar],
            outcome__in=[RunbookUsage.Outcome.HELPED, RunbookUsage.Outcome.PARTLY],
        )
        .order_by("-recorded_at")
        .values_list("runbook_id", flat=True)
    )
    by_service = (
        list(
            Runbook.objects.filter(services__in=draft.service_ids)
            .order_by("-last_reviewed_at")
            .values_list("pk", flat=True)[:20]
        )
        if draft.service_ids
        else []
    )
    matches = [pk for pk, _ in similar_objects(f"{draft.title} {draft.summary}", "runbook", limit=10)]
    order = list(dict.fromkeys(pk for pk in [*helped, *by_service, *matches] if pk))[:limit]
    runbooks = Runbook.objects.only("id", "title", "slug").in_bulk(order)
    return [runbooks[pk] for pk in order if pk in runbooks]
