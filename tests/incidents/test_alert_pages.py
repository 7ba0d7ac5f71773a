"""What responders see of the alerts: the table on the incident, every alert a page at a time, and Home's
"all alerts resolved" prompt."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Alert, Status
from runbooks.models import Runbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerting_incident(make_incident, service):
    return make_incident(
        services=[service],
        status=Status.INVESTIGATING,
        resolved_at=None,
        mitigated_at=None,
        acknowledged_at=None,
    )


def add_alerts(incident, how_many, state=Alert.State.FIRING, **fields):
    now = timezone.now()
    Alert.objects.bulk_create(
        [
            Alert(
                incident=incident,
                fingerprint=f"fp-{n}",
                alertname="NodeDown",
                group_key="{}:{}",
                state=state,
                labels={"alertname": "NodeDown", "instance": f"node-{n:04d}"},
                annotations={"summary": f"node-{n:04d} is down", "runbook_url": "https://wiki/x/node-down"},
                generator_url="http://prometheus/graph?g0.expr=up",
                starts_at=now - timedelta(minutes=10),
                ends_at=now - timedelta(minutes=4) if state == Alert.State.RESOLVED else None,
                **fields,
            )
            for n in range(how_many)
        ]
    )
    firing = incident.alerts.firing().count()
    incident.alerts_total = incident.alerts.count()
    incident.alerts_firing = firing
    incident.alerts_resolved_at = None if firing else now - timedelta(minutes=4)
    incident.save()


def page_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_incident_page_shows_the_alerts_with_labels_annotations_and_graph_link(
    viewer_client, alerting_incident
):
    add_alerts(alerting_incident, 3)
    response = viewer_client.get(alerting_incident.get_absolute_url())
    assert b"instance=node-0001" in response.content
    assert b"node-0002 is down" in response.content
    assert b'href="http://prometheus/graph?g0.expr=up"' in response.content


def test_incident_page_caps_the_alert_table_and_links_to_every_alert(viewer_client, alerting_incident):
    add_alerts(alerting_incident, 120)
    response = viewer_client.get(alerting_incident.get_absolute_url())
    assert b"first 50 of 120" in response.content
    assert reverse("incidents:alerts", args=[alerting_incident.pk]).encode() in response.content


def test_incident_page_query_count_does_not_grow_with_alerts(viewer_client, alerting_incident):
    add_alerts(alerting_incident, 2)
    few, _ = page_queries(viewer_client, alerting_incident.get_absolute_url())
    Alert.objects.all().delete()
    add_alerts(alerting_incident, 1500)
    many, _ = page_queries(viewer_client, alerting_incident.get_absolute_url())
    assert many == few


def test_alerts_page_lists_every_alert_a_page_at_a_time(viewer_client, alerting_incident):
    add_alerts(alerting_incident, 150)
    response = viewer_client.get(reverse("incidents:alerts", args=[alerting_incident.pk]) + "?page=2")
    assert len(response.context["page_obj"].object_list) == 50


def test_runbook_named_by_the_alert_is_suggested(viewer_client, alerting_incident):
    runbook = Runbook.objects.create(title="Node down", slug="node-down", body="# Node down")
    add_alerts(alerting_incident, 1, suggested_runbook=runbook)
    response = viewer_client.get(alerting_incident.get_absolute_url())
    assert response.context["alert_panel"].alert_runbooks == [runbook]


def test_runbook_url_outside_the_library_is_an_external_link(viewer_client, alerting_incident):
    add_alerts(alerting_incident, 1)
    response = viewer_client.get(alerting_incident.get_absolute_url())
    assert response.context["alert_panel"].external_runbooks == ["https://wiki/x/node-down"]


def test_without_runbook_url_the_services_runbooks_are_suggested(viewer_client, alerting_incident, service):
    runbook = Runbook.objects.create(title="Checkout", slug="checkout", body="# Checkout")
    runbook.services.add(service)
    add_alerts(
        alerting_incident,
        1,
    )
    Alert.objects.update(annotations={"summary": "down"})
    response = viewer_client.get(alerting_incident.get_absolute_url())
    assert response.context["alert_panel"].service_runbooks == [runbook]


def test_all_alerts_resolved_is_shown_on_the_incident_and_home(viewer_client, alerting_incident):
    add_alerts(alerting_incident, 2, state=Alert.State.RESOLVED)
    incident_page = viewer_client.get(alerting_incident.get_absolute_url())
    home = viewer_client.get(reverse("home"))
    assert b"4\xc2\xa0minutes ago</time> \xe2\x80\x94 resolve the incident?" in incident_page.content
    assert b"all alerts resolved 4\xc2\xa0minutes ago \xe2\x80\x94 resolve the incident?" in home.content


def test_recurrence_links_to_the_previous_incident(viewer_client, alerting_incident, make_incident):
    later = make_incident(recurrence_of=alerting_incident)
    response = viewer_client.get(later.get_absolute_url())
    assert (
        f'May be a recurrence of <a href="{alerting_incident.get_absolute_url()}"'.encode()
        in response.content
    )
