"""The kinds of things Hindsight searches, registered with `search.registry` when the app is ready."""

import html

from django.apps import apps
from django.utils import formats
from django.utils.html import strip_tags

from documents.markdown import find_references, render_markdown

from .registry import HitFacts, IndexedText, SearchKind, register


def html_as_plain_text(markup):
    """What a reader sees of some HTML, without markup: for indexing and snippets."""
    return html.unescape(strip_tags(markup)).strip()


def markdown_as_plain_text(text):
    return html_as_plain_text(render_markdown(text)) if text else ""


def linked_titles(*texts):
    """The titles of the incidents and runbooks these texts link to: indexed with the keywords, so a search
    naming something ranks the documents that link to it above those that merely share a word."""
    titles = {
        mention.link.target.title
        for text in texts
        for mention in find_references(text)
        if mention.link and mention.link.shown and mention.link.kind in ("incident", "runbook")
    }
    return " ".join(sorted(titles))


def url_of(obj):
    return obj.get_absolute_url()


def _names(objects):
    return " ".join(str(o) for o in objects)


def describe_incident(incident):
    services = list(incident.services.all())
    entries = [entry.text for entry in incident.timeline.all()]
    timeline = "\n".join(entries)
    return IndexedText(
        title=f"{incident.reference} {incident.title}",
        body="\n\n".join(
            part
            for part in (
                html_as_plain_text(incident.rendered_summary),
                html_as_plain_text(incident.rendered_customer_impact),
                timeline,
            )
            if part
        ),
        keywords=f"{_names(services)} {_names(incident.categories.all())} "
        f"{linked_titles(incident.summary, incident.customer_impact, *entries)}",
        url=url_of(incident),
        updated_at=incident.updated_at,
        service_ids=tuple(s.pk for s in services),
    )


def describe_runbook(runbook):
    services = list(runbook.services.all())
    return IndexedText(
        title=runbook.title,
        body=html_as_plain_text(runbook.body_html),
        keywords=f"{_names(runbook.tags.all())} {_names(services)} {runbook.owner_team} "
        f"{linked_titles(runbook.body)}",
        url=url_of(runbook),
        updated_at=runbook.updated_at,
        service_ids=tuple(s.pk for s in services),
    )


def describe_postmortem(postmortem):
    services = list(postmortem.incident.services.all())
    return IndexedText(
        title=postmortem.title,
        body=html_as_plain_text(postmortem.body_html),
        keywords=f"{_names(services)} {postmortem.incident.reference} {linked_titles(postmortem.body)}",
        url=url_of(postmortem),
        updated_at=postmortem.updated_at,
        service_ids=tuple(s.pk for s in services),
    )


def describe_action_item(item):
    services = list(item.postmortem.incident.services.all())
    return IndexedText(
        title=item.title,
        body=markdown_as_plain_text(item.description),
        keywords=f"{_names(services)} {item.get_kind_display()} {item.team} {linked_titles(item.description)}",
        url=url_of(item),
        updated_at=item.updated_at,
        service_ids=tuple(s.pk for s in services),
    )


# --- What a hit shows: one query per kind on a results page ---------------------------------------------
def _incident_facts(incident, **overrides):
    facts = {
        "reference": incident.reference,
        "severity": incident.severity,
        "severity_label": incident.get_severity_display(),
        "status": incident.status,
        "status_label": incident.get_status_display(),
        "started_at": incident.started_at,
        "incident_id": incident.pk,
        "practice_label": incident.get_kind_display() if incident.is_practice else "",
    }
    return HitFacts(**{**facts, **overrides})


_INCIDENT_FIELDS = ("id", "severity", "status", "started_at", "kind")


def incident_hit_facts(ids):
    incidents = apps.get_model("incidents", "Incident").objects.filter(pk__in=ids).only(*_INCIDENT_FIELDS)
    return {incident.pk: _incident_facts(incident) for incident in incidents}


def postmortem_hit_facts(ids):
    postmortems = (
        apps.get_model("postmortems", "Postmortem")
        .objects.filter(pk__in=ids)
        .select_related("incident")
        .only("id", "status", "incident", *(f"incident__{name}" for name in _INCIDENT_FIELDS))
    )
    return {
        postmortem.pk: _incident_facts(
            postmortem.incident, detail=f"Postmortem · {postmortem.get_status_display()}"
        )
        for postmortem in postmortems
    }


def action_item_hit_facts(ids):
    items = (
        apps.get_model("postmortems", "ActionItem")
        .objects.filter(pk__in=ids)
        .select_related("postmortem__incident")
        .only(
            "id",
            "status",
            "due_date",
            "postmortem__incident",
            *(f"postmortem__incident__{name}" for name in _INCIDENT_FIELDS),
        )
    )
    facts = {}
    for item in items:
        due = f" · due {formats.date_format(item.due_date, 'j M Y')}" if item.due_date else ""
        detail = f"Action item · {item.get_status_display()}{due}"
        facts[item.pk] = _incident_facts(item.postmortem.incident, detail=detail)
    return facts


def runbook_hit_facts(ids):
    runbooks = apps.get_model("runbooks", "Runbook").objects.filter(pk__in=ids).only("id", "last_reviewed_at")
    return {
        runbook.pk: HitFacts(
            detail=(
                f"Runbook · reviewed {formats.date_format(runbook.last_reviewed_at, 'j M Y')}"
                if runbook.last_reviewed_at
                else "Runbook · never reviewed"
            )
        )
        for runbook in runbooks
    }


def _postmortems_of_service(service):
    return apps.get_model("postmortems", "Postmortem").objects.filter(incident__services=service)


def _action_items_of_service(service):
    return apps.get_model("postmortems", "ActionItem").objects.filter(postmortem__incident__services=service)


def register_kinds():
    register(
        SearchKind(
            name="incident",
            label="Incidents",
            model_label="incidents.Incident",
            describe=describe_incident,
            rebuild_queryset=lambda qs: qs.prefetch_related("services", "categories", "timeline"),
            dependents=(
                ("incidents.TimelineEntry", lambda entry: [entry.incident]),
                # A renamed service or category reaches every incident naming it (in bulk, see signals).
                ("incidents.Service", lambda service: service.incidents.all()),
                ("incidents.Category", lambda category: category.incidents.all()),
            ),
            m2m_fields=("services", "categories"),
            order=10,
            hit_facts=incident_hit_facts,
        )
    )
    register(
        SearchKind(
            name="postmortem",
            label="Postmortems",
            model_label="postmortems.Postmortem",
            describe=describe_postmortem,
            rebuild_queryset=lambda qs: qs.select_related("incident").prefetch_related("incident__services"),
            dependents=(("incidents.Service", _postmortems_of_service),),
            order=20,
            hit_facts=postmortem_hit_facts,
        )
    )
    register(
        SearchKind(
            name="action_item",
            label="Action items",
            model_label="postmortems.ActionItem",
            describe=describe_action_item,
            rebuild_queryset=lambda qs: qs.select_related("postmortem__incident").prefetch_related(
                "postmortem__incident__services"
            ),
            dependents=(("incidents.Service", _action_items_of_service),),
            order=30,
            hit_facts=action_item_hit_facts,
        )
    )
    register(
        SearchKind(
            name="runbook",
            label="Runbooks",
            model_label="runbooks.Runbook",
            describe=describe_runbook,
            rebuild_queryset=lambda qs: qs.prefetch_related("services", "tags"),
            dependents=(("incidents.Service", lambda service: service.runbooks.all()),),
            m2m_fields=("services", "tags"),
            order=40,
            hit_facts=runbook_hit_facts,
        )
    )
