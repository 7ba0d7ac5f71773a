"""The index follows the objects it describes: saves, deletes, many-to-many changes and timeline entries."""

import pytest

from incidents.models import Service, TimelineEntry
from search.backends import search_documents
from search.models import SearchDocument
from search.query import parse_query

pytestmark = pytest.mark.django_db


def titles(query, **filters):
    return [doc.title for doc in search_documents(parse_query(query), **filters)]


def test_renamed_runbook_is_found_by_its_new_title_only(make_runbook, editor):
    runbook = make_runbook("Certificate renewal")
    runbook.title = "Rotating TLS secrets"
    runbook.save_revision(editor, expected_version=runbook.version)
    assert titles("rotating") == ["Rotating TLS secrets"]
    assert titles("renewal") == []


def test_deleted_objects_leave_the_index(make_runbook, make_incident):
    runbook, incident = make_runbook("Queue backlog"), make_incident(title="Queue backlog on notifications")
    runbook.delete()
    incident.delete()
    assert SearchDocument.objects.count() == 0
    assert titles("backlog") == []


def test_timeline_entries_make_their_incident_findable(make_incident, responder):
    incident = make_incident(title="Checkout errors")
    TimelineEntry.objects.create(
        incident=incident, text="Restarted pgbouncer on orders-db-2", author=responder
    )
    assert titles("pgbouncer") == [f"{incident.reference} Checkout errors"]


def test_incident_summary_and_customer_impact_are_searchable(make_incident):
    make_incident(
        title="Slow pages",
        summary="Caused by a **thundering herd**.",
        customer_impact="Mobile users saw timeouts.",
    )
    assert len(titles("thundering herd")) == 1
    assert len(titles("timeouts")) == 1


def test_service_filter_follows_service_changes(make_runbook):
    edge = Service.objects.create(name="edge-proxy", team="Platform")
    runbook = make_runbook("Rate limiting at the edge")
    assert titles("rate", service=edge) == []
    runbook.services.add(edge)
    assert titles("rate", service=edge) == ["Rate limiting at the edge"]
    assert titles("proxy") == ["Rate limiting at the edge"]  # service names are indexed as keywords


def test_tags_are_searchable(make_runbook):
    from runbooks.models import Tag

    runbook = make_runbook("Failover procedure")
    runbook.tags.add(Tag.objects.create(name="patroni"))
    assert titles("patroni") == ["Failover procedure"]
