"""Mean time between failures: the gaps between starts of consecutive real incidents."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, Kind
from insights.metrics import mtbf_for_service, mtbf_report

pytestmark = pytest.mark.django_db


NOW = timezone.now().replace(microsecond=0)


def started(days_ago):
    return NOW - timedelta(days=days_ago)


def test_service_with_one_incident_has_not_enough_incidents(make_incident, service):
    make_incident(services=[service])
    result = mtbf_for_service(service)
    assert result.enough is False
    assert str(result) == "checkout-api: not enough incidents"


def test_service_mtbf_is_mean_and_median_of_the_gaps(make_incident, service):
    for days_ago in (30, 20, 18):
        make_incident(services=[service], started_at=started(days_ago))
    result = mtbf_for_service(service)
    assert result.mean == timedelta(days=6)
    assert result.median == timedelta(days=6)
    assert result.incidents == 3


def test_drills_do_not_count_towards_mtbf(make_incident, service):
    make_incident(services=[service], started_at=started(10))
    make_incident(services=[service], started_at=started(5), kind=Kind.DRILL)
    assert mtbf_for_service(service).enough is False


def test_overall_mtbf_spans_every_service(make_incident, service):
    make_incident(services=[service], started_at=started(10))
    make_incident(started_at=started(4))
    report = mtbf_report(Incident.objects.real())
    assert report.overall.mean == timedelta(days=6)


def test_insights_shows_mtbf_per_service(viewer_client, make_incident, service):
    make_incident(services=[service], started_at=started(10))
    make_incident(services=[service], started_at=started(4))
    html = viewer_client.get(reverse("insights:index")).content.decode()
    section = html.split('id="mtbf-heading"')[1].split("</section>")[0]
    assert "checkout-api" in section
    assert "6 d" in section
