"""Find what the references in a text point at: one query per kind of reference, however many there are.

Named by settings.HINDSIGHT_REFERENCE_RESOLVER and called by `documents.markdown` while it renders. A reference
to nothing comes back missing and stays plain text. A visibility rule (restricted incidents) belongs in
`_incidents`: what it leaves out renders exactly like an incident that does not exist.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from core.people import display_name
from documents.markdown import Link, Ref
from incidents.models import Incident
from runbooks.models import Runbook

from .models import RunbookAlias


def resolve_references(refs: Iterable[Ref]) -> dict[Ref, Link]:
    wanted: dict[str, set[str]] = defaultdict(set)
    for ref in refs:
        wanted[ref.kind].add(ref.key)
    found: dict[tuple[str, str], Link] = {}
    if wanted["incident"]:
        found |= _incidents(wanted["incident"])
    if wanted["runbook_slug"] or wanted["runbook_title"]:
        found |= _runbooks(wanted["runbook_slug"], wanted["runbook_title"])
    if wanted["person"]:
        found |= _people(wanted["person"])
    return {ref: found[ref.kind, ref.key] for ref in refs if (ref.kind, ref.key) in found}


def incident_link(incident: Incident) -> Link:
    if incident.restricted:
        # Stored HTML is shown to every reader: a restricted incident stays plain text, with nothing about it.
        return Link(href="", title="", kind="incident", target=incident, shown=False)
    title = f"{incident.reference} · {incident.get_severity_display()} · {incident.title}"
    return Link(href=incident.get_absolute_url(), title=title, kind="incident", target=incident)


def _incidents(keys):
    incidents = Incident.objects.filter(pk__in=[int(key) for key in keys]).only(
        "id", "title", "severity", "restricted"
    )
    return {("incident", str(incident.pk)): incident_link(incident) for incident in incidents}


def _runbook_link(runbook):
    return Link(href=runbook.get_absolute_url(), title=runbook.title, kind="runbook", target=runbook)


def _runbooks(slugs, titles):
    runbooks = (
        Runbook.objects.annotate(title_lower=Lower("title"))
        .filter(Q(slug__in=slugs) | Q(title_lower__in=titles))
        .only("id", "title", "slug")
        .order_by("id")
    )
    found = {}
    for runbook in runbooks:
        found.setdefault(("runbook_slug", runbook.slug), _runbook_link(runbook))
        found.setdefault(("runbook_title", " ".join(runbook.title.split()).lower()), _runbook_link(runbook))
    # Names a runbook had before a rename: asked only for what the current names did not answer.
    old_slugs = {slug for slug in slugs if ("runbook_slug", slug) not in found}
    old_titles = {title for title in titles if ("runbook_title", title) not in found}
    if old_slugs or old_titles:
        aliases = (
            RunbookAlias.objects.filter(Q(slug__in=old_slugs) | Q(title__in=old_titles))
            .select_related("runbook")
            .only("slug", "title", "runbook__id", "runbook__title", "runbook__slug")
            .order_by("-created_at", "-id")
        )
        for alias in aliases:
            if alias.slug in old_slugs:
                found.setdefault(("runbook_slug", alias.slug), _runbook_link(alias.runbook))
            if alias.title in old_titles:
                found.setdefault(("runbook_title", alias.title), _runbook_link(alias.runbook))
    return found


def _people(usernames):
    """@username links to the person's action items: the site has no profile page, and what someone owns is the
    most useful thing to show about them in an incident tool."""
    people = get_user_model().objects.filter(username__in=usernames, is_active=True)
    people = people.only("id", "username", "first_name", "last_name")
    list_url = reverse("actions:list")
    return {
        ("person", person.username): Link(
            href=f"{list_url}?owner={person.pk}",
            title=f"{display_name(person)} · their action items",
            kind="person",
            target=person,
        )
        for person in people
    }
