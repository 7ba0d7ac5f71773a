"""Recording, from the incident page, which runbooks were used and whether they helped."""

import pytest
from django.urls import reverse

from runbooks.models import Runbook, RunbookUsage

pytestmark = pytest.mark.django_db


def record(client, incident, **data):
    return client.post(reverse("runbooks:record_usage", args=[incident.pk]), data)


def test_incident_page_has_the_runbook_panel_with_a_form_for_responders(
    responder_client, make_incident, make_runbook, service
):
    make_runbook(title="Connection pool exhaustion", slug="connection-pool-exhaustion", services=[service])
    make_runbook(title="Kafka consumer lag", slug="kafka-consumer-lag")  # another service's runbook
    incident = make_incident(services=[service])
    html = responder_client.get(incident.get_absolute_url()).content.decode()
    assert "Runbooks used" in html
    assert f'action="{reverse("runbooks:record_usage", args=[incident.pk])}"' in html
    # The incident's services' runbooks are suggested; the whole library is not shipped with the page.
    assert '<option value="connection-pool-exhaustion">Connection pool exhaustion</option>' in html
    assert "kafka-consumer-lag" not in html


def test_any_runbook_can_be_recorded_by_its_short_name(responder_client, make_incident, make_runbook):
    incident, runbook = make_incident(), make_runbook(slug="kafka-consumer-lag")
    record(responder_client, incident, runbook="kafka-consumer-lag", outcome="helped")
    assert RunbookUsage.objects.get().runbook == runbook


def test_unknown_runbook_name_is_refused_beside_the_field(responder_client, make_incident):
    incident = make_incident()
    response = record(responder_client, incident, runbook="no-such-runbook", outcome="helped", note="kept")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is no runbook called “no-such-runbook”" in html
    assert 'value="kept"' in html
    assert not RunbookUsage.objects.exists()


def test_viewer_sees_usages_but_cannot_record(viewer_client, make_incident, make_runbook):
    incident, runbook = make_incident(), make_runbook(title="Pool runbook")
    RunbookUsage.objects.create(incident=incident, runbook=runbook, outcome="helped")
    html = viewer_client.get(incident.get_absolute_url()).content.decode()
    assert "Pool runbook" in html
    assert 'aria-label="Record a runbook used"' not in html
    assert record(viewer_client, incident, runbook=runbook.slug, outcome="didnt_help").status_code == 403
    assert RunbookUsage.objects.get().outcome == "helped"


def test_recording_didnt_help_flags_the_runbook_needs_update(responder_client, make_incident, make_runbook):
    incident, runbook = make_incident(), make_runbook()
    runbook.mark_reviewed(None)
    response = record(
        responder_client, incident, runbook=runbook.slug, outcome="didnt_help", note="Wrong pool size"
    )
    assert response.status_code == 302
    assert response.url.startswith(incident.get_absolute_url())
    assert list(Runbook.objects.needs_update()) == [runbook]
    assert "Needs update" in responder_client.get(runbook.get_absolute_url()).content.decode()


def test_recording_again_updates_the_outcome(responder_client, make_incident, make_runbook):
    incident, runbook = make_incident(), make_runbook()
    record(responder_client, incident, runbook=runbook.slug, outcome="partly")
    record(responder_client, incident, runbook=runbook.slug, outcome="helped")
    assert list(RunbookUsage.objects.values_list("outcome", flat=True)) == ["helped"]


def test_missing_runbook_is_recorded_with_a_note(responder_client, make_incident):
    incident = make_incident()
    record(responder_client, incident, outcome="missing", note="Needed: Kafka consumer lag runbook")
    usage = RunbookUsage.objects.get()
    assert usage.runbook is None
    assert usage.recorded_by.username == "rita"
    assert (
        "Needed: Kafka consumer lag runbook"
        in responder_client.get(incident.get_absolute_url()).content.decode()
    )


def test_invalid_usage_shows_errors_and_keeps_the_note(responder_client, make_incident):
    incident = make_incident()
    response = record(responder_client, incident, outcome="missing", note="")
    assert response.status_code == 400
    assert "Say what runbook you needed" in response.content.decode()
    response = record(responder_client, incident, outcome="didnt_help", note="keep this text")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose the runbook you used" in html
    assert "keep this text" in html
    assert not RunbookUsage.objects.exists()


def test_incident_page_query_count_does_not_grow_with_usages(viewer_client, make_incident, make_runbook):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    incident = make_incident()

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert viewer_client.get(incident.get_absolute_url()).status_code == 200
        return len(captured)

    RunbookUsage.objects.create(incident=incident, runbook=make_runbook(), outcome="helped")
    few = count()
    for _ in range(10):
        RunbookUsage.objects.create(incident=incident, runbook=make_runbook(), outcome="didnt_help")
    assert count() == few


def test_search_result_links_to_the_runbook(viewer_client, make_runbook):
    runbook = make_runbook(title="Bad deploy rollback")
    response = viewer_client.get(reverse("search:search"), {"q": "rollback"})
    assert f'href="{runbook.get_absolute_url()}"' in response.content.decode()
