"""The scale seeder's bulk indexer writes exactly the documents the ordinary indexer writes."""

import pytest
from django.core.management import call_command
from django.db.models import F

from perf.scale import seed_scale
from perf.scale_search import index_missing
from postmortems.models import ActionItem, Postmortem
from search.models import SearchDocument

pytestmark = pytest.mark.django_db


def documents():
    """Every document's searchable content (the vector too, on PostgreSQL), by the object it describes."""
    rows = SearchDocument.objects.values_list(
        "kind", "object_id", "title", "body", "keywords", "url", "updated_at", "search_vector"
    )
    services = {}
    for document_kind, object_id, service_id in SearchDocument.services.through.objects.values_list(
        F("searchdocument__kind"), F("searchdocument__object_id"), "service_id"
    ):
        services.setdefault((document_kind, object_id), set()).add(service_id)
    return {(row[0], row[1]): (*row[2:], services.get((row[0], row[1]), set())) for row in rows}


def test_seeded_documents_are_the_ones_a_rebuild_writes():
    seed_scale(0.001, log=lambda message: None)
    seeded = documents()
    call_command("rebuild_search_index", verbosity=0)
    assert seeded == documents()


def test_bulk_indexing_links_and_markdown_like_the_indexer(make_incident, make_runbook, service, category):
    failover = make_runbook(
        "Database failover", body="## Steps\n1. Promote the *replica*.", services=[service]
    )
    earlier = make_incident(services=[service])
    incident = make_incident(
        services=[service],
        categories=[category],
        timeline=2,
        summary=f"Same as INC-{earlier.pk}; we followed [[Database failover]].",
    )
    postmortem = Postmortem.objects.create(
        incident=incident, title="Postmortem: checkout", body=f"See INC-{earlier.pk} and [[{failover.slug}]]."
    )
    ActionItem.objects.create(
        postmortem=postmortem, title="Canary configs", description=f"Like **INC-{earlier.pk}**."
    )
    call_command("rebuild_search_index", verbosity=0)  # the factory's timeline entries skip the signals
    indexed = documents()
    SearchDocument.objects.all().delete()
    index_missing()
    assert documents() == indexed
    assert "Database failover" in SearchDocument.objects.get(kind="incident", object_id=incident.pk).keywords
