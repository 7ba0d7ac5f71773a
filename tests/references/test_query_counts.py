""" "Mentioned in" costs one query, however many documents mention a page, and whatever kind they are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from postmortems.models import ActionItem

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def mention_from_everywhere(make_incident, make_runbook, write_postmortem, written, n):
    """`n` mentions of `written` from each kind of source: incident, timeline entry, postmortem, action item,
    runbook."""
    for i in range(n):
        source = make_incident(summary=f"Like {written}.")
        source.timeline.create(text=f"Same as {written}.")
        postmortem = write_postmortem(source, f"As in {written}.", title=f"Review {i}")
        ActionItem.objects.create(postmortem=postmortem, title="Fix it", description=f"See {written}.")
        make_runbook(f"Runbook {i}", body=f"Learned from {written}.")


@pytest.fixture
def counts_for(viewer_client, make_incident, make_runbook, write_postmortem):
    def measure(target, written, page_of_target):
        mention_from_everywhere(make_incident, make_runbook, write_postmortem, written, 1)
        one = count_queries(viewer_client, page_of_target())
        mention_from_everywhere(make_incident, make_runbook, write_postmortem, written, 6)
        return one, count_queries(viewer_client, page_of_target())

    return measure


def test_incident_page_queries_do_not_grow_with_mentions(counts_for, make_incident):
    target = make_incident()
    one, many = counts_for(target, target.reference, target.get_absolute_url)
    assert one == many


def test_runbook_page_queries_do_not_grow_with_mentions(counts_for, make_runbook):
    runbook = make_runbook("Database failover")
    one, many = counts_for(runbook, "[[Database failover]]", runbook.get_absolute_url)
    assert one == many


def test_postmortem_page_queries_do_not_grow_with_mentions(counts_for, make_incident, write_postmortem):
    incident = make_incident()
    postmortem = write_postmortem(incident, "Our own review.")
    one, many = counts_for(incident, incident.reference, postmortem.get_absolute_url)
    assert one == many


def test_mentioned_in_adds_one_query_to_the_incident_page(
    viewer_client, make_incident, monkeypatch, settings
):
    settings.HINDSIGHT_DASHBOARD_CACHE = (
        False  # what the page costs when it is computed, not read from the cache
    )
    target = make_incident(timeline=2)
    with_mentions = count_queries(viewer_client, target.get_absolute_url())
    monkeypatch.setattr("incidents.views.mentions_of", lambda target, *, viewer: [])
    assert with_mentions == count_queries(viewer_client, target.get_absolute_url()) + 1
