"""The incident page is read through the shared cache (core.freshness), and never shows a stale fact: every kind of
write shows on the next request, and one reader's copy is never another's."""

import pytest
from django.urls import reverse

from incidents import services
from incidents.models import Status

pytestmark = pytest.mark.django_db


def page(client, incident):
    return client.get(reverse("incidents:detail", args=[incident.pk]))


def test_a_new_timeline_entry_shows_on_the_next_request(viewer_client, editor, make_incident):
    incident = make_incident()
    page(viewer_client, incident)
    services.add_timeline_entry(incident=incident, by=editor, kind="action", text="Rolled back the deploy")
    assert b"Rolled back the deploy" in page(viewer_client, incident).content


def test_a_new_title_shows_on_the_next_request(viewer_client, editor, make_incident):
    incident = make_incident(title="Checkout errors")
    page(viewer_client, incident)
    services.update_incident(incident=incident, by=editor, title="Checkout down for EU")
    assert page(viewer_client, incident).context["incident"].title == "Checkout down for EU"


def test_a_status_change_shows_on_the_next_request(viewer_client, editor, make_incident):
    incident = make_incident(status=Status.INVESTIGATING)
    page(viewer_client, incident)
    services.change_status(incident=incident, status=Status.MONITORING, by=editor)
    assert page(viewer_client, incident).context["incident"].status == Status.MONITORING


def test_a_new_service_shows_on_the_next_request(viewer_client, editor, make_incident, service):
    incident = make_incident()
    page(viewer_client, incident)
    services.update_incident(incident=incident, by=editor, services=[service])
    assert list(page(viewer_client, incident).context["incident"].services.all()) == [service]


def test_restricting_an_incident_hides_it_at_once(viewer_client, make_incident):
    incident = make_incident()
    page(viewer_client, incident)
    incident.restricted = True
    incident.save()
    assert page(viewer_client, incident).status_code == 404


def test_one_readers_copy_of_a_restricted_incident_is_not_served_to_another(
    client, viewer, editor, make_incident
):
    incident = make_incident(restricted=True)
    incident.people.add(editor)
    client.force_login(editor)
    page(client, incident)
    client.force_login(viewer)
    assert page(client, incident).status_code == 404
