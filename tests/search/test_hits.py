"""What a search hit shows a responder: reference, severity, status, start, services; highlighted titles; an
incident and its postmortem together; the query kept in the header box."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Service, Status
from postmortems.models import Postmortem

pytestmark = pytest.mark.django_db


def search(client, **params):
    response = client.get(reverse("search:search"), params)
    assert response.status_code == 200
    return response


def hits(response):
    return [hit for _, group in response.context["groups"] for hit in group]


def make_postmortem(incident, body):
    postmortem = Postmortem(incident=incident, title=f"Postmortem: {incident.title}", body=body)
    postmortem.save_revision(None)
    return postmortem


def test_incident_hit_shows_severity_status_and_start_not_update_date(viewer_client, make_incident, service):
    started = timezone.now() - timedelta(days=40)
    incident = make_incident(
        title="Checkout pool exhausted",
        severity=1,
        services=[service],
        started_at=started,
        status=Status.MONITORING,
    )
    response = search(viewer_client, q="pool")
    facts = hits(response)[0].facts
    assert (facts.reference, facts.severity_label) == (incident.reference, "SEV-1")
    assert facts.status_label == "Monitoring"
    html = response.content.decode()
    assert f'started <time datetime="{started.isoformat()}' in html
    assert "updated <time" not in html
    assert '<span class="tag">checkout-api</span>' in html


def test_postmortem_and_action_item_hits_name_their_incident(viewer_client, make_incident):
    from postmortems.models import ActionItem

    incident = make_incident(title="Orders outage", severity=2)
    postmortem = make_postmortem(incident, "The replica lag alarm was silent.")
    ActionItem.objects.create(postmortem=postmortem, title="Page on replica lag")
    response = search(viewer_client, q="replica lag", kind="action_item")
    assert hits(response)[0].facts.reference == incident.reference
    assert hits(response)[0].facts.detail.startswith("Action item · Open")


def test_matched_words_in_titles_are_highlighted_and_escaped(viewer_client, make_runbook):
    make_runbook("Pool <b>exhaustion</b> & recovery", "Nothing here.")
    html = search(viewer_client, q="pool").content.decode()
    assert "<mark>Pool</mark> &lt;b&gt;exhaustion&lt;/b&gt; &amp; recovery" in html
    assert "<b>exhaustion</b>" not in html


def test_synonyms_are_highlighted_in_titles(viewer_client, make_runbook):
    make_runbook("Certificate expired on the edge", "Nothing here.")
    assert "<mark>expired</mark>" in search(viewer_client, q="expiry").content.decode()


def test_postmortem_sits_inside_its_incidents_hit(viewer_client, make_incident, make_runbook):
    incident = make_incident(title="Certificate expired on checkout")
    make_postmortem(incident, "The certificate expired because renewal was manual.")
    other = make_incident(title="Unrelated outage")
    make_postmortem(other, "The certificate expired on the admin host.")
    response = search(viewer_client, q="certificate expired")
    incident_hit = next(hit for hit in hits(response) if hit.kind == "incident")
    assert [related.object_id for related in incident_hit.related] == [incident.postmortem.pk]
    loose = [hit.object_id for hit in hits(response) if hit.kind == "postmortem"]
    assert loose == [other.postmortem.pk]  # its incident was not found: it stays a hit of its own


def test_header_search_box_keeps_the_query_on_the_search_page(viewer_client):
    html = search(viewer_client, q="disk full").content.decode()
    assert 'id="header-search-q" name="q" placeholder="Search Hindsight…" value="disk full"' in html


def test_hit_facts_cost_a_fixed_number_of_queries(viewer_client, make_incident, make_runbook):
    from postmortems.models import ActionItem

    def count():
        with CaptureQueriesContext(connection) as captured:
            search(viewer_client, q="pool")
        return len(captured)

    def add(n):
        service = Service.objects.create(name=f"s{n}", team="t")
        incident = make_incident(title=f"Pool incident {n}", services=[service])
        postmortem = make_postmortem(incident, "The pool was too small.")
        ActionItem.objects.create(postmortem=postmortem, title=f"Grow the pool {n}")
        make_runbook(f"Pool runbook {n}")

    add(0)
    few = count()
    for n in range(1, 8):
        add(n)
    assert count() == few
