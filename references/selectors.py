"""Reading references: what mentions an incident, a postmortem or a runbook, in one query."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

from incidents.models import Incident
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

    `viewer` is who reads the page: the place to leave out sources they may not see (restricted incidents).
    """
    if isinstance(target, Runbook):
        references = Reference.objects.filter(target_runbook=target)
    elif isinstance(target, Postmortem):
        references = Reference.objects.filter(target_incident=target.incident_id).exclude(
            Q(source_postmortem=target) | Q(source_action_item__postmortem=target)
        )
    else:
        references = Reference.objects.filter(target_incident=target)
    rows = references.select_related(
        "source_incident",
        "source_timeline_entry__incident",
        "source_postmortem",
        "source_action_item",
        "source_runbook",
    ).only(*_SOURCE_COLUMNS)
    return [_mentioned_in(row) for row in rows.order_by("-created_at", "-id")[:MENTIONS_SHOWN]]


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
