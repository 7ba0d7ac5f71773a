"""The lists and the search page render their results once per write generation (dashboard.visibility
.CachedResultsMixin, search.views.search), shared by readers who may see the same rows: every write shows on the
next request, rows that change with the clock alone change on time, and nobody is shown a row cached for a reader
with more rights. Read from the HTML, as a reader sees it; against the real Redis where there is one."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import presence
from incidents import services as incident_services
from incidents.models import Status
from postmortems import services as postmortem_services
from postmortems.models import ActionItem
from runbooks import services as runbook_services
from runbooks.models import Runbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_cache")]

INCIDENTS = reverse("incidents:list")


def text(client, url, params=None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def incident_row(html: str, incident) -> str:
    """The list row of `incident` ("" when it is not on the page)."""
    match = re.search(rf'<tr>\s*<td><a href="[^"]*/{incident.pk}/">.*?</tr>', html, re.S)
    return match.group(0) if match else ""


def test_a_declared_incident_shows_on_a_cached_list_at_once(viewer_client, editor, service):
    text(viewer_client, INCIDENTS)
    incident_services.declare_incident(
        by=editor, title="Cache cluster eviction storm", severity=2, services=[service]
    )
    assert "Cache cluster eviction storm" in text(viewer_client, INCIDENTS)


def test_a_second_visit_shows_the_same_rows_without_reading_them_again(viewer_client, make_incident):
    make_incident(title="Queue backlog in billing")
    text(viewer_client, INCIDENTS)
    with CaptureQueriesContext(connection) as second:
        html = text(viewer_client, INCIDENTS)
    assert "Queue backlog in billing" in html
    assert [query["sql"] for query in second if "incidents_" in query["sql"]] == []


def test_a_status_change_shows_in_the_row_at_once(viewer_client, editor, make_incident):
    incident = make_incident(status=Status.INVESTIGATING)
    assert "Investigating" in incident_row(text(viewer_client, INCIDENTS), incident)
    incident_services.change_status(incident=incident, status=Status.MONITORING, by=editor)
    assert "Monitoring" in incident_row(text(viewer_client, INCIDENTS), incident)


def test_an_open_incidents_duration_grows_while_its_row_is_cached(clock, viewer_client, make_incident):
    incident = make_incident(status=Status.INVESTIGATING, started_at=clock.now - timedelta(minutes=30))
    assert "30 min" in incident_row(text(viewer_client, INCIDENTS), incident)
    clock.now += timedelta(minutes=15)
    assert "45 min" in incident_row(text(viewer_client, INCIDENTS), incident)


def test_restricting_an_incident_hides_its_row_at_once(viewer_client, editor, make_incident):
    incident = make_incident(title="Leaked signing key")
    assert incident_row(text(viewer_client, INCIDENTS), incident)
    incident_services.update_incident(incident=incident, by=editor, restricted=True)
    assert "Leaked signing key" not in text(viewer_client, INCIDENTS)


def test_a_restricted_row_cached_for_its_responder_is_never_shown_to_an_outsider(
    client, viewer, editor, make_incident
):
    make_incident(title="Leaked signing key", restricted=True, commander=editor)
    client.force_login(editor)
    assert "Leaked signing key" in text(client, INCIDENTS)
    client.force_login(viewer)
    assert "Leaked signing key" not in text(client, INCIDENTS)


def test_filtered_lists_are_cached_apart(viewer_client, make_incident):
    make_incident(title="Checkout down", severity=1)
    make_incident(title="Slow admin page", severity=4)
    text(viewer_client, INCIDENTS)
    assert "Slow admin page" not in text(viewer_client, INCIDENTS, {"severity": "1"})


def test_a_draft_postmortem_falls_overdue_on_the_list_when_its_time_is_up(
    clock, viewer_client, editor, make_incident, settings
):
    resolved = make_incident(
        started_at=clock.now - timedelta(hours=3), resolved_at=clock.now - timedelta(hours=1)
    )
    postmortem_services.start_postmortem(incident=resolved, by=editor)
    settings.HINDSIGHT_POSTMORTEM_DUE = timedelta(hours=1, minutes=30)
    url = reverse("postmortems:list")
    assert 'tag--bad">Overdue' not in text(viewer_client, url)
    clock.now += timedelta(minutes=31)
    assert 'tag--bad">Overdue' in text(viewer_client, url)


def test_a_runbook_falls_due_for_review_on_the_list_on_its_day(clock, viewer_client, editor):
    runbook = Runbook(
        title="Failover the primary", body="## Steps\n\nPromote the replica.\n", review_interval_days=1
    )
    runbook.save_revision(editor)
    runbook_services.mark_reviewed(runbook=runbook, by=editor, now=clock.now - timedelta(hours=23))
    url = reverse("runbooks:list")
    assert "Failover the primary" not in text(viewer_client, url, {"due": "on"})
    clock.now += timedelta(hours=2)
    assert "Failover the primary" in text(viewer_client, url, {"due": "on"})


def test_a_closed_item_leaves_recently_closed_when_its_window_ends(
    clock, viewer_client, editor, make_incident
):
    postmortem, _ = postmortem_services.start_postmortem(incident=make_incident(), by=editor)
    item = postmortem_services.create_action_item(
        postmortem=postmortem, by=editor, title="Add a canary stage"
    )
    ActionItem.objects.filter(pk=item.pk).update(
        status=ActionItem.Status.DONE, completed_at=clock.now - timedelta(days=14, minutes=-5)
    )
    url = reverse("actions:list")
    assert "Add a canary stage" in text(viewer_client, url, {"section": "recently_closed"})
    clock.now += timedelta(minutes=10)
    assert "Add a canary stage" not in text(viewer_client, url, {"section": "recently_closed"})


def test_an_editor_and_a_viewer_see_their_own_controls_on_the_same_list(
    client, viewer, editor, make_incident
):
    postmortem, _ = postmortem_services.start_postmortem(incident=make_incident(), by=editor)
    postmortem_services.create_action_item(postmortem=postmortem, by=editor, title="Add a canary stage")
    url = reverse("actions:list")
    client.force_login(editor)
    assert 'id="owner-' in text(client, url)  # the inline "reassign" field
    client.force_login(viewer)
    assert 'id="owner-' not in text(client, url)


def test_a_cached_form_carries_each_readers_own_csrf_token(client, editor, make_incident):
    postmortem, _ = postmortem_services.start_postmortem(incident=make_incident(), by=editor)
    postmortem_services.create_action_item(postmortem=postmortem, by=editor, title="Add a canary stage")
    url = reverse("actions:list")
    client.force_login(editor)
    text(client, url)
    response = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)
    assert token != "<!--csrf-token-->"


def test_a_new_incident_is_found_by_a_search_cached_before_it(viewer_client, editor, service):
    url = reverse("search:search")
    assert "partition skew" not in text(viewer_client, url, {"q": "kafka"})
    incident_services.declare_incident(
        by=editor, title="Kafka partition skew", severity=3, services=[service]
    )
    assert "partition skew" in text(viewer_client, url, {"q": "kafka"})  # after the highlighted word


def test_a_restricted_incident_found_for_its_responder_is_not_found_for_an_outsider(
    client, viewer, editor, make_incident
):
    make_incident(title="Kafka credentials leaked", restricted=True, commander=editor)
    url = reverse("search:search")
    client.force_login(editor)
    assert "credentials leaked" in text(client, url, {"q": "kafka"})
    client.force_login(viewer)
    assert "credentials leaked" not in text(client, url, {"q": "kafka"})


# --- the incident page, rendered once per write generation for each reader -----------------------------------


def test_an_open_incidents_page_shows_how_long_it_has_been_open_as_the_clock_moves(
    clock, viewer_client, make_incident
):
    incident = make_incident(status=Status.INVESTIGATING, started_at=clock.now - timedelta(minutes=30))
    assert "open for 30 min" in text(viewer_client, incident.get_absolute_url())
    clock.now += timedelta(minutes=15)
    assert "open for 45 min" in text(viewer_client, incident.get_absolute_url())


def test_an_unacknowledged_incident_breaches_its_target_on_a_cached_page(clock, viewer_client, make_incident):
    incident = make_incident(
        status=Status.INVESTIGATING,
        severity=1,
        started_at=clock.now - timedelta(minutes=10),
        detected_at=clock.now - timedelta(minutes=10),
        acknowledged_at=None,
    )
    assert "Awaiting acknowledgement: 10 min of 15 min target" in text(
        viewer_client, incident.get_absolute_url()
    )
    clock.now += timedelta(minutes=10)
    assert "Not acknowledged: 20 min, target 15 min breached" in text(
        viewer_client, incident.get_absolute_url()
    )


def test_a_status_update_falls_overdue_on_a_cached_page(clock, viewer_client, make_incident):
    incident = make_incident(
        status=Status.INVESTIGATING,
        severity=2,
        started_at=clock.now - timedelta(minutes=50),
        detected_at=clock.now - timedelta(minutes=50),
    )
    assert "Update overdue" not in text(viewer_client, incident.get_absolute_url())
    clock.now += timedelta(minutes=25)  # SEV-2: an update every hour from detection
    assert "Update overdue by 15 min" in text(viewer_client, incident.get_absolute_url())


def test_a_timeline_entry_shows_on_a_cached_incident_page_at_once(viewer_client, editor, make_incident):
    incident = make_incident(status=Status.INVESTIGATING)
    text(viewer_client, incident.get_absolute_url())
    incident_services.add_timeline_entry(
        incident=incident, by=editor, kind="action", text="Rolled back the deploy"
    )
    assert "Rolled back the deploy" in text(viewer_client, incident.get_absolute_url())


def test_a_postmortem_falls_overdue_on_a_cached_incident_page(
    clock, viewer_client, editor, make_incident, settings
):
    resolved = make_incident(
        started_at=clock.now - timedelta(hours=3), resolved_at=clock.now - timedelta(hours=1)
    )
    postmortem_services.start_postmortem(incident=resolved, by=editor)
    settings.HINDSIGHT_POSTMORTEM_DUE = timedelta(hours=1, minutes=30)
    assert 'tag--bad">Overdue' not in text(viewer_client, resolved.get_absolute_url())
    clock.now += timedelta(minutes=31)
    assert 'tag--bad">Overdue' in text(viewer_client, resolved.get_absolute_url())


def test_an_incident_page_cached_for_its_responder_is_not_shown_to_an_outsider(
    client, viewer, editor, make_incident
):
    incident = make_incident(title="Leaked signing key", restricted=True, commander=editor)
    client.force_login(editor)
    text(client, incident.get_absolute_url())
    client.force_login(viewer)
    assert client.get(incident.get_absolute_url()).status_code == 404


def test_an_editors_cached_incident_page_is_not_shown_to_a_viewer(client, viewer, editor, make_incident):
    incident = make_incident(status=Status.INVESTIGATING)
    client.force_login(editor)
    assert 'name="text"' in text(client, incident.get_absolute_url())  # the timeline box
    client.force_login(viewer)
    assert 'name="text"' not in text(client, incident.get_absolute_url())


# --- the postmortem as read ------------------------------------------------------------------------------------


@pytest.fixture
def draft(editor, make_incident):
    postmortem, _ = postmortem_services.start_postmortem(incident=make_incident(), by=editor)
    return postmortem


def test_an_edit_shows_on_a_cached_postmortem_at_once(viewer_client, editor, draft):
    text(viewer_client, draft.get_absolute_url())
    postmortem_services.save_postmortem(
        postmortem=draft,
        by=editor,
        body=draft.body + "\n\nThe connection pool was sized for last year's traffic.\n",
        expected_version=draft.version,
    )
    assert "sized for last year" in text(viewer_client, draft.get_absolute_url())


def test_a_colleague_opening_the_editor_shows_on_a_cached_postmortem(viewer_client, editor, draft):
    assert "is editing" not in text(viewer_client, draft.get_absolute_url())
    presence.record_heartbeat(document=draft, user=editor)
    assert "Eddie is editing" in text(viewer_client, draft.get_absolute_url())


def test_a_draft_falls_overdue_on_its_cached_page(clock, viewer_client, editor, make_incident, settings):
    resolved = make_incident(
        started_at=clock.now - timedelta(hours=3), resolved_at=clock.now - timedelta(hours=1)
    )
    postmortem, _ = postmortem_services.start_postmortem(incident=resolved, by=editor)
    settings.HINDSIGHT_POSTMORTEM_DUE = timedelta(hours=1, minutes=30)
    assert 'tag--bad">Overdue' not in text(viewer_client, postmortem.get_absolute_url())
    clock.now += timedelta(minutes=31)
    assert 'tag--bad">Overdue' in text(viewer_client, postmortem.get_absolute_url())


def test_a_postmortem_cached_for_a_responder_is_not_shown_to_an_outsider(
    client, viewer, editor, make_incident
):
    incident = make_incident(restricted=True, commander=editor)
    postmortem, _ = postmortem_services.start_postmortem(incident=incident, by=editor)
    client.force_login(editor)
    text(client, postmortem.get_absolute_url())
    client.force_login(viewer)
    assert client.get(postmortem.get_absolute_url()).status_code == 404
