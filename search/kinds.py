"""The kinds of things Hindsight searches, registered with `search.registry` when the app is ready."""

import html

from django.urls import NoReverseMatch
from django.utils.html import strip_tags

from documents.markdown import render_markdown

from .registry import IndexedText, SearchKind, register


def html_as_plain_text(markup):
    """What a reader sees of some HTML, without markup: for indexing and snippets."""
    return html.unescape(strip_tags(markup)).strip()


def markdown_as_plain_text(text):
    return html_as_plain_text(render_markdown(text or ""))


def url_of(obj):
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:  # the app's pages may land after its models
        return ""


def _names(objects):
    return " ".join(str(o) for o in objects)


def describe_incident(incident):
    services = list(incident.services.all())
    timeline = "\n".join(entry.text for entry in incident.timeline.all())
    return IndexedText(
        title=f"{incident.reference} {incident.title}",
        body="\n\n".join(
            part for part in (
                html_as_plain_text(incident.rendered_summary), html_as_plain_text(incident.rendered_customer_impact),
                timeline,
            ) if part
        ),
        keywords=f"{_names(services)} {_names(incident.categories.all())}",
        url=url_of(incident),
        updated_at=incident.updated_at,
        service_ids=tuple(s.pk for s in services),
    )


def describe_runbook(runbook):
    services = list(runbook.services.all())
    return IndexedText(
        title=runbook.title,
        body=html_as_plain_text(runbook.body_html),
        keywords=f"{_names(runbook.tags.all())} {_names(services)} {runbook.owner_team}",
        url=url_of(runbook),
        updated_at=runbook.updated_at,
        service_ids=tuple(s.pk for s in services),
    )


def describe_postmortem(postmortem):
    services = list(postmortem.incident.services.all())
    return IndexedText(
        title=postmortem.title,
        body=html_as_plain_text(postmortem.body_html),
        keywords=f"{_names(services)} {postmortem.incident.reference}",
        url=url_of(postmortem),
        updated_at=postmortem.updated_at,
        service_ids=tuple(s.pk for s in services),
    )


def describe_action_item(item):
    services = list(item.postmortem.incident.services.all())
    return IndexedText(
        title=item.title,
        body=markdown_as_plain_text(item.description),
        keywords=f"{_names(services)} {item.get_kind_display()} {item.team}",
        url=url_of(item) or url_of(item.postmortem),
        updated_at=item.updated_at,
        service_ids=tuple(s.pk for s in services),
    )


def register_kinds():
    register(SearchKind(
        name="incident", label="Incidents", model_label="incidents.Incident", describe=describe_incident,
        rebuild_queryset=lambda qs: qs.prefetch_related("services", "categories", "timeline"),
        dependents=(("incidents.TimelineEntry", lambda entry: [entry.incident]),),
        m2m_fields=("services", "categories"), order=10,
    ))
    register(SearchKind(
        name="postmortem", label="Postmortems", model_label="postmortems.Postmortem", describe=describe_postmortem,
        rebuild_queryset=lambda qs: qs.select_related("incident").prefetch_related("incident__services"), order=20,
    ))
    register(SearchKind(
        name="action_item", label="Action items", model_label="postmortems.ActionItem",
        describe=describe_action_item,
        rebuild_queryset=lambda qs: qs.select_related("postmortem__incident").prefetch_related(
            "postmortem__incident__services"
        ),
        order=30,
    ))
    register(SearchKind(
        name="runbook", label="Runbooks", model_label="runbooks.Runbook", describe=describe_runbook,
        rebuild_queryset=lambda qs: qs.prefetch_related("services", "tags"),
        m2m_fields=("services", "tags"), order=40,
    ))
