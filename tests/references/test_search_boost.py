"""Search ranks a document higher for a query naming something it links to."""

import pytest
from django.urls import reverse

from tests.search.conftest import filler_runbooks  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def runbook_hits(client, query):
    response = client.get(reverse("search:search"), {"q": query, "kind": "runbook"})
    return [hit.title for _, hits in response.context["groups"] for hit in hits]


def test_a_runbook_linking_the_incident_a_query_names_ranks_first(
    viewer_client, make_incident, make_runbook, filler_runbooks
):
    incident = make_incident(title="Payment gateway timeouts")
    make_runbook("Restart the edge", body="Restart the gateway, then check the queue and the logs.")
    make_runbook("Drain the edge", body=f"Drain the gateway, as in INC-{incident.pk}, then check the logs.")
    assert runbook_hits(viewer_client, "gateway timeouts") == ["Drain the edge"]


def test_linking_adds_rank_not_just_matches(viewer_client, make_incident, make_runbook, filler_runbooks):
    incident = make_incident(title="Gateway meltdown")
    make_runbook("Restart the edge", body="Restart the gateway, then check the queue and the logs.")
    make_runbook("Drain the edge", body=f"Drain the gateway, as in INC-{incident.pk}, then check the logs.")
    assert runbook_hits(viewer_client, "gateway") == ["Drain the edge", "Restart the edge"]
