"""Reads for reviewing postmortems: threads with their anchors checked, each reviewer's standing verdict, and the
postmortems waiting for review (and for whom)."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from incidents.models import Incident, Kind
from postmortems.models import Postmortem

from .models import PublicSummary, ReviewComment, Verdict


def with_open_comment_counts(postmortems: QuerySet[Postmortem]) -> QuerySet[Postmortem]:
    """Annotate `open_comments`: unresolved threads, as a subquery (no GROUP BY, so the ordering stands)."""
    open_threads = (
        ReviewComment.objects.open()
        .filter(postmortem=OuterRef("pk"))
        .order_by()
        .values("postmortem")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return postmortems.annotate(open_comments=Coalesce(Subquery(open_threads), 0))


def open_comment_count(postmortem: Postmortem) -> int:
    return ReviewComment.objects.filter(postmortem=postmortem).open().count()


def threads_for(postmortem: Postmortem) -> list[ReviewComment]:
    """Every thread (open first, then resolved), replies attached, each marked `outdated` when its quote is gone."""
    threads = list(
        ReviewComment.objects.filter(postmortem=postmortem)
        .threads()
        .select_related("author", "resolved_by")
        .prefetch_related(Prefetch("replies", queryset=ReviewComment.objects.select_related("author")))
    )
    for thread in threads:
        thread.outdated = thread.is_outdated(postmortem.body)
    return sorted(threads, key=lambda thread: thread.is_resolved)


@dataclass
class ReviewerStanding:
    reviewer: User
    verdict: Verdict | None

    @property
    def approved_current(self) -> bool:
        return self.verdict is not None and self.verdict.kind == Verdict.Kind.APPROVED and not self.outdated

    @property
    def outdated(self) -> bool:
        return self.verdict is not None and self.verdict.version < self.current_version

    current_version: int = 0


@dataclass
class ReviewState:
    standings: list[ReviewerStanding]
    history: list[Verdict]
    needed: int = field(default_factory=lambda: settings.HINDSIGHT_POSTMORTEM_APPROVALS)

    @property
    def approvals(self) -> int:
        return sum(standing.approved_current for standing in self.standings)

    @property
    def has_enough_approvals(self) -> bool:
        return self.approvals >= self.needed

    @property
    def waiting_for(self) -> list[User]:
        return [standing.reviewer for standing in self.standings if not standing.approved_current]


def _standings(
    postmortem: Postmortem, reviewers: Iterable[User], verdicts: Iterable[Verdict]
) -> list[ReviewerStanding]:
    latest: dict[int, Verdict] = {}
    for verdict in verdicts:  # newest first
        if verdict.kind != Verdict.Kind.OVERRIDE and verdict.reviewer_id is not None:
            latest.setdefault(verdict.reviewer_id, verdict)
    return [
        ReviewerStanding(reviewer=person, verdict=latest.get(person.pk), current_version=postmortem.version)
        for person in reviewers
    ]


def review_state(postmortem: Postmortem) -> ReviewState:
    """Each named reviewer's latest verdict (approvals count only on the current version) and the full history."""
    history = list(postmortem.verdicts.select_related("reviewer"))
    return ReviewState(standings=_standings(postmortem, postmortem.reviewers.all(), history), history=history)


def waiting_for_review(
    *, viewer: User | AnonymousUser, limit: int | None = None
) -> list[tuple[Postmortem, list[User]]]:
    """Postmortems `viewer` may see in review that still need approvals, with the reviewers who have not approved
    this version."""
    postmortems = (
        Postmortem.objects.visible_to(viewer)
        .filter(status=Postmortem.Status.IN_REVIEW)
        .select_related("incident")
        .prefetch_related(
            "reviewers", Prefetch("verdicts", queryset=Verdict.objects.order_by("-created_at", "-id"))
        )
        .order_by("created_at", "id")
    )
    waiting = []
    for postmortem in postmortems[:limit] if limit else postmortems:
        state = ReviewState(
            standings=_standings(postmortem, postmortem.reviewers.all(), postmortem.verdicts.all()),
            history=[],
        )
        if not state.has_enough_approvals:
            waiting.append((postmortem, state.waiting_for))
    return waiting


def waiting_threads(postmortem: Postmortem) -> list[ReviewComment]:
    """Open threads for the editor's side panel, oldest first, each marked `outdated` when its quote is gone."""
    threads = list(ReviewComment.objects.filter(postmortem=postmortem).open().select_related("author"))
    for thread in threads:
        thread.outdated = thread.is_outdated(postmortem.body)
    return threads


def public_summaries() -> QuerySet[PublicSummary]:
    """Public summaries shown on the status page: the postmortem is published and the Editor chose to show it. The
    status page's rule for updates holds too (incidents.status_views.published_updates): real incidents only, and
    of a restricted incident only a summary its communications lead saved."""
    return PublicSummary.objects.filter(
        is_public=True,
        postmortem__status=Postmortem.Status.PUBLISHED,
        postmortem__incident__kind=Kind.REAL,
    ).filter(Q(postmortem__incident__restricted=False) | Q(updated_by=F("postmortem__incident__comms_lead")))


def public_summary_for(incident: Incident) -> PublicSummary | None:
    return (
        public_summaries()
        .filter(postmortem__incident=incident)
        .only("title", "rendered_body", "updated_at")
        .first()
    )
