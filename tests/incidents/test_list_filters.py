from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Category, Service, Status

pytestmark = pytest.mark.django_db


def titles(response):
    return [incident.title for incident in response.context["object_list"]]


@pytest.fixture
def world(make_incident):
    db_service = Service.objects.create(name="orders-db", team="Data")
    api = Service.objects.create(name="checkout-api", team="Payments")
    capacity = Category.objects.create(name="capacity")
    deploy = Category.objects.create(name="bad deploy")
    now = timezone.now()
    make_incident(
        title="Pool exhausted",
        severity=1,
        services=[db_service],
        categories=[capacity],
        detection_source="alert",
        started_at=now - timedelta(days=40),
    )
    make_incident(
        title="Bad release",
        severity=2,
        services=[api],
        categories=[deploy],
        detection_source="customer_report",
        started_at=now - timedelta(days=10),
    )
    make_incident(
        title="Still burning",
        severity=3,
        services=[api, db_service],
        status=Status.IDENTIFIED,
        mitigated_at=None,
        detection_source="alert",
        started_at=now - timedelta(hours=3),
    )
    return {"db": db_service, "api": api, "capacity": capacity, "deploy": deploy, "now": now}


def test_unfiltered_list_is_newest_first(viewer_client, world):
    assert titles(viewer_client.get(reverse("incidents:list"))) == [
        "Still burning",
        "Bad release",
        "Pool exhausted",
    ]


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"severity": ["1", "3"]}, {"Pool exhausted", "Still burning"}),
        ({"status": "open"}, {"Still burning"}),
        ({"status": "resolved"}, {"Pool exhausted", "Bad release"}),
        ({"detection_source": "customer_report"}, {"Bad release"}),
        ({"q": "pool"}, {"Pool exhausted"}),
    ],
)
def test_simple_filters(viewer_client, world, query, expected):
    assert set(titles(viewer_client.get(reverse("incidents:list"), query))) == expected


def test_service_and_category_filters(viewer_client, world):
    by_service = titles(viewer_client.get(reverse("incidents:list"), {"service": world["db"].pk}))
    assert set(by_service) == {"Pool exhausted", "Still burning"}
    by_category = titles(viewer_client.get(reverse("incidents:list"), {"category": world["deploy"].pk}))
    assert by_category == ["Bad release"]


def test_started_between_filter(viewer_client, world):
    start = (world["now"] - timedelta(days=20)).date().isoformat()
    end = (world["now"] - timedelta(days=5)).date().isoformat()
    response = viewer_client.get(reverse("incidents:list"), {"started_min": start, "started_max": end})
    assert titles(response) == ["Bad release"]


def test_sort_by_severity(viewer_client, world):
    response = viewer_client.get(reverse("incidents:list"), {"sort": "severity"})
    assert titles(response) == ["Pool exhausted", "Bad release", "Still burning"]


def test_unknown_filter_values_show_errors_not_500(viewer_client, world):
    response = viewer_client.get(reverse("incidents:list"), {"service": "99999", "severity": "7"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_list_paginates(viewer_client, make_incident):
    for _ in range(30):
        make_incident()
    first = viewer_client.get(reverse("incidents:list"))
    assert len(first.context["object_list"]) == 25
    older = first.context["page_obj"].next_cursor
    second = viewer_client.get(reverse("incidents:list"), {"page": older})
    assert len(second.context["object_list"]) == 5


def test_a_huge_list_counts_only_up_to_a_cap(viewer_client, make_incident, settings):
    settings.HINDSIGHT_LIST_COUNT_CAP = 30
    for _ in range(31):
        make_incident()
    response = viewer_client.get(reverse("incidents:list"))
    html = response.content.decode()
    assert "30+ incidents" in html
    assert len(response.context["object_list"]) == 25
    older = response.context["page_obj"].next_cursor
    assert len(viewer_client.get(reverse("incidents:list"), {"page": older}).context["object_list"]) == 6


def test_a_list_under_the_cap_is_counted_exactly(viewer_client, make_incident):
    for _ in range(3):
        make_incident()
    html = viewer_client.get(reverse("incidents:list")).content.decode()
    assert ">3 incidents</p>" in html
    assert "3+ incidents" not in html


def test_title_sort_ignores_case(viewer_client, make_incident):
    for title in ("ARPANET routing loop", "Allegro checkout down", "billing export stuck"):
        make_incident(title=title)
    ascending = titles(viewer_client.get(reverse("incidents:list"), {"sort": "title"}))
    assert ascending == ["Allegro checkout down", "ARPANET routing loop", "billing export stuck"]
    descending = titles(viewer_client.get(reverse("incidents:list"), {"sort": "-title"}))
    assert descending == ["billing export stuck", "ARPANET routing loop", "Allegro checkout down"]


def test_service_and_category_choices_ignore_case(viewer_client):
    from incidents.models import Category, Service

    for name in ("ARPANET-gateway", "allegro-api", "Billing"):
        Service.objects.create(name=name, team="Core")
    for name in ("config change", "Capacity", "bad deploy"):
        Category.objects.create(name=name)
    form = viewer_client.get(reverse("incidents:list")).context["filter"].form
    services = [label for value, label in form.fields["service"].choices if value]
    assert services == ["allegro-api", "ARPANET-gateway", "Billing"]
    categories = [label for value, label in form.fields["category"].choices if value]
    assert categories == ["bad deploy", "Capacity", "config change"]


def test_people_lists_ignore_case(db):
    from django.contrib.auth import get_user_model

    from accounts.selectors import people

    for username, first_name in (("arpa", "ARPANET"), ("alle", "Allegro"), ("bea", "bea")):
        get_user_model().objects.create_user(username=username, first_name=first_name)
    assert [user.first_name for user in people()] == ["Allegro", "ARPANET", "bea"]
