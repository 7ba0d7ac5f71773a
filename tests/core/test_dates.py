"""Dates stay inside 1970 … ten years ahead, with a clear error; inside that window no time zone breaks a page."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.middleware import zone_from_cookie
from core.dates import EARLIEST, latest_allowed, validate_in_date_window
from tests.incidents.test_pages import edit_payload

pytestmark = pytest.mark.django_db
WEST, EAST = "Pacific/Pago_Pago", "Pacific/Kiritimati"  # UTC−11 and UTC+14


def test_year_one_is_outside_the_window():
    with pytest.raises(ValidationError, match="between 1 January 1970"):
        validate_in_date_window(date(1, 1, 1))


def test_more_than_ten_years_ahead_is_outside_the_window():
    with pytest.raises(ValidationError):
        validate_in_date_window(latest_allowed() + timedelta(days=1))


def test_the_first_moment_of_1970_is_inside_the_window():
    assert validate_in_date_window(EARLIEST) is None


def test_editing_an_incident_to_start_in_year_one_is_a_form_error(responder_client, make_incident, service):
    incident = make_incident(services=[service])
    response = responder_client.post(
        reverse("incidents:edit", args=[incident.pk]), edit_payload(incident, started_at="0001-01-01T00:00")
    )
    assert "between 1 January 1970" in response.context["form"].errors["started_at"][0]


def test_timeline_entry_on_an_incident_started_at_the_window_edge_is_saved(responder_client, make_incident):
    incident = make_incident(started_at=EARLIEST)
    responder_client.cookies["hindsight_tz"] = WEST
    responder_client.post(
        reverse("incidents:add_timeline_entry", args=[incident.pk]),
        {"kind": "action", "text": "Rolled back", "occurred_at": "1970-01-01T00:00"},
    )
    assert incident.timeline.filter(text="Rolled back").exists()


def test_timeline_entry_in_year_one_is_refused_with_its_text_kept(responder_client, make_incident):
    incident = make_incident()
    response = responder_client.post(
        reverse("incidents:add_timeline_entry", args=[incident.pk]),
        {"kind": "action", "text": "Rolled back", "occurred_at": "0001-01-01T00:00"},
    )
    assert "Rolled back" in response.content.decode()


@pytest.mark.parametrize("zone", [WEST, EAST])
def test_edit_page_of_an_incident_at_the_window_edge_opens_in_every_zone(
    responder_client, make_incident, zone
):
    incident = make_incident(started_at=EARLIEST)
    responder_client.cookies["hindsight_tz"] = zone
    assert responder_client.get(reverse("incidents:edit", args=[incident.pk])).status_code == 200


@pytest.mark.parametrize("zone", [WEST, EAST])
def test_status_page_with_an_incident_at_the_window_edge_opens_in_every_zone(client, make_incident, zone):
    make_incident(started_at=EARLIEST, status="investigating")
    client.cookies["hindsight_tz"] = zone
    assert client.get(reverse("status:page")).status_code == 200


@pytest.mark.parametrize("zone", [WEST, EAST])
@pytest.mark.parametrize(
    "url, params",
    [
        ("incidents:list", {"started_min": "0001-01-01", "started_max": "9999-12-31"}),
        ("insights:index", {"started_min": "0001-01-01", "started_max": "9999-12-31"}),
        ("actions:review", {"due_after": "0001-01-01", "due_before": "9999-12-31"}),
    ],
)
def test_extreme_years_in_date_filters_are_form_errors(viewer_client, url, params, zone):
    viewer_client.cookies["hindsight_tz"] = zone
    response = viewer_client.get(reverse(url), params)
    assert "between 1 January 1970" in response.content.decode()


@pytest.mark.parametrize("zone", [WEST, EAST])
def test_date_filter_at_the_window_edges_answers_in_every_zone(viewer_client, make_incident, zone):
    make_incident()
    viewer_client.cookies["hindsight_tz"] = zone
    params = {"started_min": "1970-01-01", "started_max": latest_allowed().date().isoformat()}
    assert len(viewer_client.get(reverse("incidents:list"), params).context["object_list"]) == 1


def test_encoded_zone_cookie_from_the_old_page_script_is_understood():
    assert str(zone_from_cookie("Asia%2FTokyo")) == "Asia/Tokyo"


def test_unknown_zone_cookie_is_ignored():
    assert zone_from_cookie("../../etc/passwd") is None


def test_pages_use_the_zone_of_an_encoded_cookie(responder_client, make_incident):
    started = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    incident = make_incident(started_at=started)
    responder_client.cookies["hindsight_tz"] = "Asia%2FTokyo"
    html = responder_client.get(reverse("incidents:edit", args=[incident.pk])).content.decode()
    assert "2026-01-02T12:04" in html
