from django.urls import reverse

from incidents.models import DetectionSource, Incident, Severity, Status


def test_unknown_severity_has_no_response_target(make_incident):
    incident = make_incident(severity=Severity.UNKNOWN)
    assert incident.response_target_check() is None


def test_open_incident_of_unknown_severity_is_never_update_overdue(make_incident):
    make_incident(severity=Severity.UNKNOWN, status=Status.INVESTIGATING)
    assert not Incident.objects.update_overdue().exists()


def test_unknown_severity_is_not_offered_when_declaring(responder_client):
    response = responder_client.get(reverse("incidents:declare"))
    assert "SEV-?" not in response.content.decode()


def test_incident_page_of_unknown_severity_says_there_is_no_target(viewer_client, make_incident):
    incident = make_incident(severity=Severity.UNKNOWN, detection_source=DetectionSource.UNKNOWN)
    response = viewer_client.get(incident.get_absolute_url())
    assert "No response target" in response.content.decode()


def test_home_lists_an_open_incident_of_unknown_severity(viewer_client, make_incident):
    make_incident(severity=Severity.UNKNOWN, status=Status.IDENTIFIED, title="Old mystery")
    response = viewer_client.get(reverse("home"))
    assert "Old mystery" in response.content.decode()


def test_insights_count_unknown_severity_separately(viewer_client, make_incident):
    make_incident(severity=Severity.UNKNOWN)
    make_incident(severity=Severity.SEV1)
    response = viewer_client.get(reverse("insights:index"))
    labels = [row.label for row in response.context["by_severity"]]
    assert labels == ["SEV-1", "SEV-?"]


def test_insights_detection_mix_counts_unknown_sources(viewer_client, make_incident):
    make_incident(detection_source=DetectionSource.UNKNOWN)
    response = viewer_client.get(reverse("insights:index"))
    unknown = [row for row in response.context["detection_mix"] if row["source"] == "unknown"]
    assert unknown[0]["count"] == 1
