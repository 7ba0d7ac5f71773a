"""The incident list walks by keyset: "Older →" reaches the last row however many rows lie before it, keeps the
filters and sort, and a deep page costs the queries page 1 costs."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident

pytestmark = pytest.mark.django_db

LIST = reverse("incidents:list")


@pytest.fixture(autouse=True)
def small_pages(settings):
    """Three rows a page and a count cap of five: eleven incidents lie well past the bound."""
    settings.HINDSIGHT_PAGE_SIZE = 3
    settings.HINDSIGHT_LIST_COUNT_CAP = 5


@pytest.fixture
def eleven(make_incident):
    now = timezone.now()
    # Pairs share a start time, so the walk must break ties on the id to neither skip nor repeat a row.
    return [
        make_incident(title=f"Incident {n:02}", severity=1 + n % 4, started_at=now - timedelta(hours=n // 2))
        for n in range(11)
    ]


def link(response, rel):
    match = re.search(rf'href="([^"]*)" rel="{rel}"', response.content.decode())
    return LIST + unescape(match.group(1)) if match else None


def walk(client, url, rel="next"):
    """Every page from `url` on, following the `rel` link until there is none."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(response)
        url = link(response, rel)
    return pages


def rows(pages):
    return [incident.pk for page in pages for incident in page.context["object_list"]]


def newest_first():
    return list(Incident.objects.order_by("-started_at", "-id").values_list("pk", flat=True))


def test_following_older_links_reaches_the_last_row(viewer_client, eleven):
    pages = walk(viewer_client, LIST)
    assert rows(pages)[-1] == newest_first()[-1]


def test_the_walk_shows_every_row_once_in_order(viewer_client, eleven):
    assert rows(walk(viewer_client, LIST)) == newest_first()


def test_the_next_link_is_labelled_older_on_the_newest_first_list(viewer_client, eleven):
    assert "Older →" in viewer_client.get(LIST).content.decode()


def test_the_count_stops_at_the_cap_while_the_walk_goes_on(viewer_client, eleven):
    assert "5+ incidents" in viewer_client.get(LIST).content.decode()


def test_newer_links_walk_back_to_the_first_page(viewer_client, eleven):
    last = walk(viewer_client, LIST)[-1]
    back = walk(viewer_client, link(last, "prev"), rel="prev")
    assert sorted(rows(back)) == sorted(newest_first()[: -len(last.context["object_list"])])


def test_the_first_page_has_no_newer_link(viewer_client, eleven):
    assert link(viewer_client.get(LIST), "prev") is None


def test_the_walk_keeps_the_filter(viewer_client, eleven):
    severities = {
        Incident.objects.get(pk=pk).severity for pk in rows(walk(viewer_client, f"{LIST}?severity=1"))
    }
    assert severities == {1}


def test_the_walk_keeps_a_filter_until_its_last_row(viewer_client, eleven):
    expected = list(
        Incident.objects.filter(severity__in=[1, 2])
        .order_by("-started_at", "-id")
        .values_list("pk", flat=True)
    )
    assert rows(walk(viewer_client, f"{LIST}?severity=1&severity=2")) == expected


@pytest.mark.parametrize(
    "sort, order",
    [
        ("title", ["title", "id"]),
        ("-title", ["-title", "id"]),
        ("severity", ["severity", "id"]),
        ("-severity", ["-severity", "id"]),
        ("started", ["started_at", "id"]),
    ],
)
def test_every_sort_walks_to_its_last_row(viewer_client, eleven, sort, order):
    expected = list(Incident.objects.order_by(*order).values_list("pk", flat=True))
    assert rows(walk(viewer_client, f"{LIST}?sort={sort}")) == expected


def test_a_deep_page_runs_the_queries_page_one_runs(viewer_client, eleven):
    deep = walk(viewer_client, LIST)[-2]
    with CaptureQueriesContext(connection) as first:
        viewer_client.get(LIST)
    with CaptureQueriesContext(connection) as later:
        viewer_client.get(deep.wsgi_request.get_full_path())
    assert len(later) == len(first)


def test_a_page_number_from_an_older_link_opens_the_first_page(viewer_client, eleven):
    response = viewer_client.get(LIST, {"page": "2"})
    assert rows([response]) == newest_first()[:3]
