"""Pages run a fixed number of queries whatever the number of incidents."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.models import Category, Service

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def populate(make_incident, how_many):
    services = [Service.objects.create(name=f"svc-{i}", team="Platform") for i in range(3)]
    categories = [Category.objects.create(name=f"cat-{i}") for i in range(2)]
    return [make_incident(services=services, categories=categories, timeline=3) for _ in range(how_many)]


def test_incident_list_and_detail_query_counts_do_not_grow(viewer_client, make_incident):
    small = populate(make_incident, 5)
    list_small = count_queries(viewer_client, reverse("incidents:list"))
    detail_small = count_queries(viewer_client, small[0].get_absolute_url())
    home_small = count_queries(viewer_client, reverse("home"))

    big = [
        make_incident(services=small[0].services.all(), categories=small[0].categories.all(), timeline=3)
        for _ in range(195)
    ]
    assert count_queries(viewer_client, reverse("incidents:list")) == list_small
    assert count_queries(viewer_client, big[-1].get_absolute_url()) == detail_small
    assert count_queries(viewer_client, reverse("home")) == home_small
    assert list_small <= 12
    assert detail_small <= 14  # the checklist, similar incidents and 'Mentioned in' each cost one
