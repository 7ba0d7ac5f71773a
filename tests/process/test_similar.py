"""Similar incidents and runbooks: measured on the demo data, whose repeats must be suggested first."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from incidents.models import Incident
from incidents.similar import Draft, likely_runbooks, similar_incidents
from insights.metrics import repeat_pairs
from runbooks.models import Runbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def known_repeats():
    """{repeat incident id: {the earlier incidents it repeats (same category and service, within the window)}}"""
    pairs = {}
    for link in repeat_pairs(Incident.objects.real()).values("incident_id", "earlier_id"):
        pairs.setdefault(link["incident_id"], set()).add(link["earlier_id"])
    return pairs


def test_known_repeats_are_suggested_first_on_the_demo_data(demo):
    repeats = known_repeats()
    assert repeats, "the demo data seeds repeat incidents"
    for incident_id, earlier in repeats.items():
        incident = Incident.objects.prefetch_related("services", "categories").get(pk=incident_id)
        suggested = similar_incidents(Draft.of(incident), None)
        assert suggested[0].incident.pk in earlier, incident


def test_declaring_with_a_past_title_and_service_suggests_that_incident(demo):
    past = Incident.objects.real().resolved().prefetch_related("services").first()
    draft = Draft(title=past.title, service_ids=[s.pk for s in past.services.all()])
    assert past.pk in [item.incident.pk for item in similar_incidents(draft, None)]


def test_runbooks_for_the_services_are_suggested(demo):
    runbook = Runbook.objects.filter(services__isnull=False).first()
    service = runbook.services.first()
    draft = Draft(title="Something odd", service_ids=[service.pk])
    assert runbook in likely_runbooks(draft, similar_incidents(draft, None))


def test_fragment_says_whether_action_items_are_still_open(viewer_client, make_incident, service, category):
    from postmortems.models import ActionItem, Postmortem

    earlier = make_incident(services=[service], categories=[category], title="Checkout 502 after deploy")
    postmortem = Postmortem.objects.create(incident=earlier, title="Pool too small")
    ActionItem.objects.create(postmortem=postmortem, title="Alert on pool size")
    ActionItem.objects.create(postmortem=postmortem, title="Canary deploys")
    later = make_incident(services=[service], categories=[category], title="Checkout 502 again")
    html = viewer_client.get(
        reverse("incidents:similar", args=[later.pk]), {"fragment": "1"}
    ).content.decode()
    assert earlier.reference in html
    assert "2 of 2 action items still open" in html


def test_declare_endpoint_answers_with_a_fragment(viewer_client, make_incident, service):
    make_incident(services=[service], title="Checkout latency spike")
    response = viewer_client.get(
        reverse("incidents:similar_to_draft"), {"title": "checkout latency", "services": [str(service.pk)]}
    )
    assert "Checkout latency spike" in response.content.decode()


def test_declare_endpoint_ignores_junk(viewer_client):
    response = viewer_client.get(reverse("incidents:similar_to_draft"), {"services": ["x", "'; drop"]})
    assert response.status_code == 200


def test_incident_page_links_to_similar_without_javascript(viewer_client, make_incident):
    incident = make_incident()
    html = viewer_client.get(incident.get_absolute_url()).content.decode()
    assert reverse("incidents:similar", args=[incident.pk]) in html
