"""Reading through the API: the pages' filters, full-text search, cursor pages that walk to the end, and a
query count that does not grow with the data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Category, Service, Status
from postmortems.models import ActionItem
from tests.conftest import make_user

LIST_ENDPOINTS = [
    "/api/v1/incidents/",
    "/api/v1/action-items/",
    "/api/v1/postmortems/",
    "/api/v1/runbooks/",
    "/api/v1/services/",
    "/api/v1/categories/",
]


def walk(client, url):
    """Every result of a list, following the cursor's `next` links to the end."""
    results = []
    while url:
        page = client.get(url).json()
        results += page["results"]
        url = page["next"]
    return results


def test_incidents_are_filtered_as_on_the_incident_list(viewer_api, make_incident, service):
    make_incident(services=[service], severity=1, title="Payments down")
    make_incident(services=[service], severity=3, title="Slow search")
    titles = [row["title"] for row in viewer_api.get("/api/v1/incidents/?severity=1").json()["results"]]
    assert titles == ["Payments down"]


def test_the_open_status_filter_means_not_resolved(viewer_api, make_incident, service):
    make_incident(services=[service], status=Status.INVESTIGATING, title="Still burning")
    make_incident(services=[service], title="Long over")
    titles = [row["title"] for row in viewer_api.get("/api/v1/incidents/?status=open").json()["results"]]
    assert titles == ["Still burning"]


def test_a_bad_filter_value_is_an_error_naming_the_filter(viewer_api, db):
    response = viewer_api.get("/api/v1/incidents/?severity=7")
    assert response.status_code == 400
    assert "severity" in response.json()


def test_an_incident_reads_with_its_timeline(viewer_api, make_incident, service):
    incident = make_incident(services=[service], timeline=2)
    body = viewer_api.get(f"/api/v1/incidents/{incident.pk}/").json()
    assert [entry["text"] for entry in body["timeline"]] == ["Entry 0", "Entry 1"]


def test_an_incident_names_its_services(viewer_api, make_incident, service):
    incident = make_incident(services=[service])
    assert viewer_api.get(f"/api/v1/incidents/{incident.pk}/").json()["services"] == [
        {"id": service.pk, "name": "checkout-api"}
    ]


def test_unowned_action_items_are_filtered_as_on_the_review_page(viewer_api, make_action_item, viewer):
    make_action_item(title="Nobody's")
    make_action_item(title="Vera's", owner=viewer)
    titles = [row["title"] for row in viewer_api.get("/api/v1/action-items/?owner=none").json()["results"]]
    assert titles == ["Nobody's"]


def test_overdue_action_items_are_the_review_pages_section(viewer_api, make_action_item):
    make_action_item(title="Late", due_date=timezone.localdate() - timedelta(days=3))
    make_action_item(title="On time")
    rows = viewer_api.get("/api/v1/action-items/?section=overdue").json()["results"]
    assert [row["title"] for row in rows] == ["Late"]


def test_postmortems_are_searched_as_on_the_search_page(viewer_api, make_postmortem, make_incident, service):
    make_postmortem(title="Connection pool exhausted", body="The database pool ran dry.")
    make_postmortem(incident=make_incident(services=[service]), title="Certificate expiry", body="TLS.")
    rows = viewer_api.get("/api/v1/postmortems/?q=pool").json()["results"]
    assert [row["title"] for row in rows] == ["Connection pool exhausted"]


def test_runbooks_are_searched_and_read_by_slug(viewer_api, make_runbook):
    make_runbook("Database failover", body="## Overview\n\nPromote the replica.")
    make_runbook("Certificate renewal")
    rows = viewer_api.get("/api/v1/runbooks/?q=replica").json()["results"]
    assert viewer_api.get(f"/api/v1/runbooks/{rows[0]['slug']}/").json()["title"] == "Database failover"


def test_an_unsearchable_query_is_an_error_naming_q(viewer_api, db):
    response = viewer_api.get("/api/v1/runbooks/?q=%22%22")
    assert response.status_code == 400
    assert "q" in response.json()


def test_services_list_their_team_tier_and_aliases(viewer_api, service):
    service.aliases.create(name="checkout")
    row = viewer_api.get("/api/v1/services/").json()["results"][0]
    assert (row["team"], row["tier"], row["aliases"]) == ("Payments", 1, ["checkout"])


def test_cursor_pages_walk_to_the_end(viewer_api, make_incident, service):
    made = {make_incident(services=[service]).pk for _ in range(7)}
    seen = [row["id"] for row in walk(viewer_api, "/api/v1/incidents/?page_size=3")]
    assert sorted(seen) == sorted(made)


def test_a_page_has_no_count_to_compute(viewer_api, make_incident, service):
    make_incident(services=[service])
    assert set(viewer_api.get("/api/v1/incidents/").json()) == {"next", "previous", "results"}


def rows_of_everything(count, make_incident, make_postmortem, make_runbook):
    """`count` of each kind of record, each with the related rows its list shows."""
    owner = make_user(f"owner{count}")
    for n in range(count):
        service = Service.objects.create(name=f"service-{count}-{n}", team="Payments")
        service.aliases.create(name=f"alias-{count}-{n}")
        category = Category.objects.create(name=f"category-{count}-{n}")
        incident = make_incident(services=[service], categories=[category], commander=owner)
        postmortem = make_postmortem(incident=incident, title=f"Postmortem {n}")
        ActionItem.objects.create(postmortem=postmortem, title=f"Item {n}", owner=owner)
        make_runbook(f"Runbook {count}-{n}", services=[service])


@pytest.mark.parametrize("url", LIST_ENDPOINTS)
@pytest.mark.parametrize("count", [3, 30])
def test_list_queries_do_not_grow_with_the_data(
    url, count, viewer_api, make_incident, make_postmortem, make_runbook, django_assert_max_num_queries
):
    rows_of_everything(count, make_incident, make_postmortem, make_runbook)
    with django_assert_max_num_queries(8):
        response = viewer_api.get(f"{url}?page_size=30")
    assert len(response.json()["results"]) >= count
