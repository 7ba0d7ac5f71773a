"""Reading references: what mentions an incident, a postmortem or a runbook, in one query."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

from core import freshness
from core.freshness import Fresh
from incidents.models import Incident, visible_q
from postmortems.models import Postmortem
from runbooks.models import Runbook

from .models import Reference, RunbookAlias

MENTIONS_SHOWN = 50
_SOURCE_COLUMNS = (
    "written_as",
    "sentence",
    "created_at",
    "source_incident__id",
    "source_incident__title",
    "source_timeline_entry__id",
    "source_timeline_entry__incident__id",
    "source_timeline_entry__incident__title",
    "source_postmortem__id",
    "source_postmortem__title",
    "source_action_item__id",
    "source_action_item__title",
    "source_action_item__postmortem_id",
    "source_runbook__id",
    "source_runbook__title",
    "source_runbook__slug",
)


@dataclass(frozen=True)
class MentionedIn:
    """One row of a page's "Mentioned in": the document that mentions it, and the sentence that does."""

    kind: str
    title: str
    url: str
    sentence: str
    written_as: str
    created_at: datetime


def mentions_of(
    target: Incident | Postmortem | Runbook, *, viewer: User | AnonymousUser
) -> list[MentionedIn]:
    """Newest first. A postmortem is mentioned when its incident is (INC-12 names both), except by itself.
    Sources in restricted incidents `viewer` may not see are left out, in the same query.

    Cached per page and viewer under the write generation (core.freshness): any write, a new reference or a
    change to who may see an incident, computes it again. The query joins nine tables, and PostgreSQL takes
    longer to plan it (~5 ms) than to run it, on every incident, postmortem and runbook page.
    """
    parts = (type(target).__name__, target.pk, viewer.pk)
    mentions: list[MentionedIn] = freshness.cached(
        "mentions", parts, lambda: Fresh(_mentions_of(target, viewer=viewer))
    )
    return mentions


def _mentions_of(
    target: Incident | Postmortem | Runbook, *, viewer: User | AnonymousUser
) -> list[MentionedIn]:
    if isinstance(target, Runbook):
        references = Reference.objects.filter(target_runbook=target)
    elif isinstance(target, Postmortem):
        references = Reference.objects.filter(target_incident=target.incident_id).exclude(
            Q(source_postmortem=target) | Q(source_action_item__postmortem=target)
        )
    else:
        references = Reference.objects.filter(target_incident=target)
    rows = (
        references.filter(_sources_visible_to(viewer))
        .select_related(
            "source_incident",
            "source_timeline_entry__incident",
            "source_postmortem",
            "source_action_item",
            "source_runbook",
        )
        .only(*_SOURCE_COLUMNS)
    )
    return [_mentioned_in(row) for row in rows.order_by("-created_at", "-id")[:MENTIONS_SHOWN]]


# Each source that belongs to an incident, and the path from a Reference to that incident.
_SOURCE_INCIDENTS = {
    "source_incident": "source_incident__",
    "source_timeline_entry": "source_timeline_entry__incident__",
    "source_postmortem": "source_postmortem__incident__",
    "source_action_item": "source_action_item__postmortem__incident__",
}


def _sources_visible_to(viewer: User | AnonymousUser) -> Q:
    """References whose source is a runbook, or lies in an incident `viewer` may see."""
    allowed = Q()
    for source, path in _SOURCE_INCIDENTS.items():
        visible = visible_q(viewer, path)
        if visible:  # an empty Q (a superuser sees everything) would swallow the OR below
            allowed &= Q(**{f"{source}__isnull": True}) | visible
    return allowed


def _mentioned_in(row: Reference) -> MentionedIn:
    # Exactly one source is set; the rows come with their sources (select_related), so none of this queries.
    if (source := row.source_incident) is not None:
        kind, title, url = "Incident", str(source), source.get_absolute_url()
    elif (entry := row.source_timeline_entry) is not None:
        incident = entry.incident
        kind, title = "Timeline", str(incident)
        url = f"{incident.get_absolute_url()}#timeline-heading"
    elif (postmortem := row.source_postmortem) is not None:
        kind, title, url = "Postmortem", postmortem.title, postmortem.get_absolute_url()
    elif (item := row.source_action_item) is not None:
        kind, title, url = "Action item", item.title, item.get_absolute_url()
    else:
        runbook = row.source_runbook
        assert runbook is not None  # the Reference's check constraint: exactly one source
        kind, title, url = "Runbook", runbook.title, runbook.get_absolute_url()
    return MentionedIn(
        kind=kind,
        title=title,
        url=url,
        sentence=row.sentence,
        written_as=row.written_as,
        created_at=row.created_at,
    )


def runbook_once_called(slug: str) -> Runbook | None:
    """The runbook that had this slug before it was renamed (the latest, if several did)."""
    alias = (
        RunbookAlias.objects.filter(slug=slug)
        .select_related("runbook")
        .order_by("-created_at", "-id")
        .first()
    )
    return alias.runbook if alias else None
