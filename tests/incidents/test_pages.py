from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, Status, TimelineEntry

pytestmark = pytest.mark.django_db


def local_input(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def edit_payload(incident, **overrides):
    data = {
        "title": incident.title,
        "severity": incident.severity,
        "status": incident.status,
        "detection_source": incident.detection_source,
        "summary": incident.summary,
        "customer_impact": incident.customer_impact,
        "services": [s.pk for s in incident.services.all()],
        "started_at": local_input(incident.started_at),
        "detected_at": local_input(incident.detected_at),
        "acknowledged_at": local_input(incident.acknowledged_at) if incident.acknowledged_at else "",
        "mitigated_at": local_input(incident.mitigated_at) if incident.mitigated_at else "",
        "resolved_at": local_input(incident.resolved_at) if incident.resolved_at else "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("url", ["/", "/incidents/", "/incidents/declare/", "/incidents/1/"])
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_public_and_styled(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Log in to Hindsight" in response.content
    assert b"hindsight.css" in response.content


def test_declare_incident_makes_the_declarer_commander(responder_client, responder, service):
    response = responder_client.post(
        reverse("incidents:declare"), {"title": "Checkout 502s", "severity": 1, "services": [service.pk]}
    )
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == incident.get_absolute_url()
    assert incident.commander == responder
    assert incident.status == Status.INVESTIGATING
    assert incident.detected_at is not None
    assert incident.timeline.get().text.startswith("Incident declared as SEV-1")


def test_declare_form_errors_keep_the_users_text(responder_client):
    response = responder_client.post(reverse("incidents:declare"), {"title": "Payments down", "severity": 1})
    assert response.status_code == 200
    assert not Incident.objects.exists()
    assert 'value="Payments down"' in response.content.decode()
    assert response.context["form"].errors["services"] == ["This field is required."]


def test_viewer_cannot_declare(viewer_client, service):
    assert viewer_client.get(reverse("incidents:declare")).status_code == 403
    response = viewer_client.post(
        reverse("incidents:declare"), {"title": "x", "severity": 1, "services": [service.pk]}
    )
    assert response.status_code == 403
    assert not Incident.objects.exists()


def test_detail_shows_roles_timeline_and_response_check(viewer_client, make_incident, responder, service):
    incident = make_incident(severity=1, services=[service], commander=responder, timeline=2)
    response = viewer_client.get(incident.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rita" in html  # the commander's name
    assert html.index("Entry 0") < html.index("Entry 1")
    assert "Acknowledged in 7 min (target 15 min)" in html
    assert "Time to resolve" in html
    assert "1 h 30 min" in html


def test_edit_with_timestamps_out_of_order_keeps_input_and_flags_field(
    responder_client, make_incident, service
):
    incident = make_incident(services=[service])
    bad = local_input(incident.started_at - timedelta(hours=1))
    response = responder_client.post(
        reverse("incidents:edit", args=[incident.pk]),
        edit_payload(incident, title="Renamed by me", detected_at=bad),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "Detected time cannot be before the started time." in form.errors["detected_at"]
    html = response.content.decode()
    assert 'value="Renamed by me"' in html
    assert f'value="{bad}"' in html
    incident.refresh_from_db()
    assert incident.title != "Renamed by me"


def test_edit_resolved_without_resolved_time_is_refused(responder_client, make_incident, service):
    incident = make_incident(services=[service], status=Status.MONITORING)
    response = responder_client.post(
        reverse("incidents:edit", args=[incident.pk]), edit_payload(incident, status=Status.RESOLVED)
    )
    assert response.context["form"].errors["resolved_at"] == ["A resolved incident needs a resolved time."]


def test_edit_status_change_writes_timeline_entry(responder_client, make_incident, service):
    incident = make_incident(services=[service], status=Status.INVESTIGATING, mitigated_at=None)
    response = responder_client.post(
        reverse("incidents:edit", args=[incident.pk]), edit_payload(incident, status=Status.IDENTIFIED)
    )
    assert response.status_code == 302
    entry = incident.timeline.get(kind=TimelineEntry.Kind.STATUS_CHANGE)
    assert entry.text == "Status changed from Investigating to Identified."


def test_edit_shows_times_in_the_browsers_time_zone(responder_client, make_incident, service):
    started = timezone.now().replace(microsecond=0) - timedelta(days=1)
    incident = make_incident(services=[service], started_at=started)
    responder_client.cookies["hindsight_tz"] = "Asia/Tokyo"
    html = responder_client.get(reverse("incidents:edit", args=[incident.pk])).content.decode()
    assert started.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%dT%H:%M") in html
    assert "in Asia/Tokyo" in html or "in JST" in html


def test_times_typed_in_the_browsers_zone_are_stored_correctly(responder_client, make_incident, service):
    incident = make_incident(services=[service])
    responder_client.cookies["hindsight_tz"] = "America/New_York"
    new_york = ZoneInfo("America/New_York")
    started = incident.started_at.astimezone(new_york).replace(second=0, microsecond=0) - timedelta(
        minutes=10
    )
    responder_client.post(
        reverse("incidents:edit", args=[incident.pk]),
        edit_payload(incident, started_at=started.strftime("%Y-%m-%dT%H:%M")),
    )
    incident.refresh_from_db()
    assert incident.started_at == started


def test_quick_timeline_entry_defaults_to_now(responder_client, responder, make_incident):
    incident = make_incident(status=Status.INVESTIGATING, mitigated_at=None)
    before = timezone.now()
    response = responder_client.post(
        reverse("incidents:add_timeline_entry", args=[incident.pk]),
        {"kind": "action", "text": "Rolled back deploy"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?added=1")
    entry = incident.timeline.get()
    assert entry.author == responder
    assert entry.occurred_at >= before
    assert entry.kind == "action"


def test_empty_timeline_entry_reshows_the_page_with_an_error(responder_client, make_incident):
    incident = make_incident()
    response = responder_client.post(
        reverse("incidents:add_timeline_entry", args=[incident.pk]), {"kind": "action", "text": ""}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not incident.timeline.exists()


def test_oversized_timeline_entry_is_refused_and_kept(responder_client, make_incident):
    incident = make_incident()
    text = "x" * 6000
    response = responder_client.post(
        reverse("incidents:add_timeline_entry", args=[incident.pk]), {"kind": "observation", "text": text}
    )
    assert response.status_code == 400
    assert "at most 5000 characters" in response.content.decode()
    assert not incident.timeline.exists()


def test_viewer_cannot_add_timeline_entries_or_change_status(viewer_client, make_incident):
    incident = make_incident(status=Status.INVESTIGATING, mitigated_at=None)
    assert (
        viewer_client.post(
            reverse("incidents:add_timeline_entry", args=[incident.pk]), {"text": "x"}
        ).status_code
        == 403
    )
    assert (
        viewer_client.post(
            reverse("incidents:change_status", args=[incident.pk]), {"status": "resolved"}
        ).status_code
        == 403
    )
    incident.refresh_from_db()
    assert incident.status == Status.INVESTIGATING
    assert not incident.timeline.exists()


def test_quick_status_change_resolves_and_logs(responder_client, make_incident):
    incident = make_incident(status=Status.MONITORING, mitigated_at=None)
    responder_client.post(
        reverse("incidents:change_status", args=[incident.pk]), {"status": "resolved", "note": ""}
    )
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED
    assert incident.resolved_at is not None
    assert incident.timeline.get().text == "Status changed from Monitoring to Resolved."


def test_markdown_summary_is_sanitised_on_the_page(viewer_client, make_incident):
    incident = make_incident(
        summary='Hi <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="alert(3)">'
    )
    html = viewer_client.get(incident.get_absolute_url()).content.decode()
    # markdown-it-py refuses to make a javascript: link at all: the text stays as text, never an href.
    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html
    assert "onerror" not in html


def test_home_lists_open_incidents(viewer_client, make_incident):
    open_incident = make_incident(title="Search is down", status=Status.INVESTIGATING, mitigated_at=None)
    make_incident(
        title="Old resolved thing", severity=3
    )  # a resolved SEV-1/2 would show under "without a postmortem"
    html = viewer_client.get("/").content.decode()
    assert open_incident.title in html
    assert "Old resolved thing" not in html
