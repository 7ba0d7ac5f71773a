"""The incident list's "Export CSV" gives exactly the filtered list, as a spreadsheet-safe CSV."""

import csv
import io

import pytest
from django.urls import reverse

from incidents.models import Status

pytestmark = pytest.mark.django_db


def rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_export_follows_the_list_filters(viewer_client, make_incident, service, category):
    sev1 = make_incident(services=[service], categories=[category], severity=1, title="Payments down")
    make_incident(services=[service], severity=3, title="Minor blip")
    open_one = make_incident(services=[service], severity=1, status=Status.INVESTIGATING, title="Still going")

    exported = rows(viewer_client.get(reverse("incidents:export") + "?severity=1"))
    assert {row["title"] for row in exported} == {"Payments down", "Still going"}
    by_title = {row["title"]: row for row in exported}
    assert by_title["Payments down"]["reference"] == sev1.reference
    assert by_title["Payments down"]["services"] == "checkout-api"
    assert by_title["Payments down"]["categories"] == "bad deploy"
    assert by_title["Payments down"]["time_to_resolve_min"] == "90.0"
    assert by_title["Still going"]["resolved_at"] == ""

    only_open = rows(viewer_client.get(reverse("incidents:export") + "?status=open"))
    assert [row["reference"] for row in only_open] == [open_one.reference]


def test_list_page_links_to_the_export_with_its_filters(viewer_client, make_incident):
    page = viewer_client.get(reverse("incidents:list") + "?severity=1&page=1").content.decode()
    assert f'href="{reverse("incidents:export")}?severity=1"' in page


def test_formula_looking_titles_are_neutralised(viewer_client, make_incident):
    make_incident(title='=HYPERLINK("http://evil")')
    assert rows(viewer_client.get(reverse("incidents:export")))[0]["title"].startswith("'=")


def test_export_needs_login(client):
    assert client.get(reverse("incidents:export")).status_code == 302
