"""What happens on the site reaches people: each page's change queues the message the practice expects."""

from datetime import UTC

import pytest
from django.urls import reverse

from incidents.models import Incident, Severity, Status
from incidents.services import update_incident
from notifications.models import Channel, Kind, Notification
from notifications.services import notifications_suppressed
from postmortems.models import Postmortem
from postmortems.services import save_postmortem
from runbooks.models import Runbook, RunbookUsage
from tests.conftest import make_user
from tests.transfer.conftest import HEADER, csv_row
from transfer.services import import_incident_history

pytestmark = pytest.mark.django_db


def queued(kind, **filters):
    return Notification.objects.filter(kind=kind, **filters)


def declare(client, service, severity=Severity.SEV1):
    client.post(
        reverse("incidents:declare"),
        {"title": "Checkout returns 502", "severity": severity, "services": [service.pk], "summary": ""},
    )
    return Incident.objects.get(title="Checkout returns 502")


def test_declaring_a_sev1_queues_a_chat_message_for_the_team(responder_client, service, team_channel):
    declare(responder_client, service)
    assert queued(Kind.INCIDENT_DECLARED, channel=Channel.CHAT, chat_channel=team_channel).count() == 1


def test_the_declared_message_names_the_severity_and_title(responder_client, service, team_channel):
    declare(responder_client, service)
    notification = queued(Kind.INCIDENT_DECLARED).get()
    assert notification.subject.startswith("SEV-1 declared: INC-")
    assert notification.subject.endswith("Checkout returns 502")


def test_declaring_for_a_team_without_a_channel_queues_nothing(responder_client, service):
    declare(responder_client, service)
    assert not Notification.objects.exists()


def test_resolving_on_the_incident_page_tells_the_team(
    responder_client, make_incident, service, team_channel
):
    incident = make_incident(services=[service], status=Status.INVESTIGATING)
    responder_client.post(reverse("incidents:change_status", args=[incident.pk]), {"status": Status.RESOLVED})
    assert queued(Kind.INCIDENT_RESOLVED, chat_channel=team_channel).count() == 1


def test_moving_to_monitoring_tells_nobody(responder_client, make_incident, service, team_channel):
    incident = make_incident(services=[service], status=Status.INVESTIGATING)
    responder_client.post(
        reverse("incidents:change_status", args=[incident.pk]), {"status": Status.MONITORING}
    )
    assert not Notification.objects.exists()


def test_raising_severity_to_sev1_tells_the_team(make_incident, service, team_channel, responder):
    incident = make_incident(services=[service], status=Status.INVESTIGATING, severity=Severity.SEV3)
    update_incident(incident=incident, by=responder, severity=Severity.SEV1)
    assert queued(Kind.INCIDENT_SEVERITY_RAISED, chat_channel=team_channel).count() == 1


def test_a_severity_change_is_written_into_the_timeline(make_incident, service, responder):
    incident = make_incident(services=[service], status=Status.INVESTIGATING, severity=Severity.SEV3)
    update_incident(incident=incident, by=responder, severity=Severity.SEV1)
    assert incident.timeline.get().text == "Severity changed from SEV-3 to SEV-1."


def test_lowering_severity_tells_nobody(make_incident, service, team_channel, responder):
    incident = make_incident(services=[service], status=Status.INVESTIGATING, severity=Severity.SEV1)
    update_incident(incident=incident, by=responder, severity=Severity.SEV3)
    assert not Notification.objects.exists()


def test_assigning_on_the_review_page_emails_the_owner(editor_client, make_action_item, owner):
    item = make_action_item()
    editor_client.post(
        reverse("actions:quick_update", args=[item.pk]), {"owner": owner.username, "status": "open"}
    )
    assert queued(Kind.ACTION_ASSIGNED, recipient=owner, channel=Channel.EMAIL).count() == 1


def test_reassigning_on_the_review_page_tells_the_previous_owner(editor_client, make_action_item, owner):
    item = make_action_item(owner=owner)
    other = make_user("pavel", email="pavel@example.com")
    editor_client.post(
        reverse("actions:quick_update", args=[item.pk]), {"owner": other.username, "status": "open"}
    )
    assert queued(Kind.ACTION_REASSIGNED, recipient=owner).count() == 1


def test_changing_only_the_status_tells_nobody(editor_client, make_action_item, owner):
    item = make_action_item(owner=owner)
    editor_client.post(
        reverse("actions:quick_update", args=[item.pk]), {"owner": owner.username, "status": "in_progress"}
    )
    assert not Notification.objects.exists()


def test_taking_an_item_yourself_tells_nobody(editor_client, editor, make_action_item):
    item = make_action_item()
    editor_client.post(
        reverse("actions:quick_update", args=[item.pk]), {"owner": editor.username, "status": "open"}
    )
    assert not Notification.objects.exists()


def test_sending_for_review_emails_each_reviewer(editor_client, postmortem, owner):
    postmortem.reviewers.add(owner)
    editor_client.post(reverse("postmortems:workflow", args=[postmortem.pk]), {"action": "review"})
    assert queued(Kind.POSTMORTEM_REVIEW_REQUESTED, recipient=owner).count() == 1


def test_publishing_asks_nobody_to_review(editor_client, postmortem, owner):
    postmortem.reviewers.add(owner)
    editor_client.post(
        reverse("postmortems:workflow", args=[postmortem.pk]),
        {"action": "publish", "override_reason": "Reviewed in the meeting"},
    )
    postmortem.refresh_from_db()
    assert postmortem.status == "published"
    assert not Notification.objects.exists()


def test_naming_a_reviewer_tells_them_once(postmortem, owner, editor):
    for _ in range(2):
        save_postmortem(
            postmortem=postmortem, by=editor, body=postmortem.body, expected_version=None, reviewers=[owner]
        )
    assert queued(Kind.POSTMORTEM_NAMED, recipient=owner).count() == 1


def test_a_runbook_that_didnt_help_is_reported_to_its_team(
    responder_client, make_incident, service, team_channel
):
    runbook = Runbook(title="Checkout pool", body="Restart it.", owner_team=service.team)
    runbook.save_revision(None)
    incident = make_incident(services=[service])
    responder_client.post(
        reverse("runbooks:record_usage", args=[incident.pk]),
        {"runbook": runbook.slug, "outcome": RunbookUsage.Outcome.DIDNT_HELP, "note": "Out of date"},
    )
    assert queued(Kind.RUNBOOK_DIDNT_HELP, chat_channel=team_channel).count() == 1


def test_importing_history_queues_nothing(service, team_channel):
    report = import_incident_history(
        content=(HEADER + csv_row(services=service.name)).encode(),
        filename="history.csv",
        file_format="csv",
        zone=UTC,
    )
    assert report.applied
    assert not Notification.objects.exists()


def test_nothing_is_queued_while_notifications_are_suppressed(responder, service, team_channel):
    from incidents.services import declare_incident

    with notifications_suppressed():
        declare_incident(by=responder, title="Replayed", severity=Severity.SEV1, services=[service])
    assert not Notification.objects.exists()


def test_starting_a_postmortem_names_its_starter_without_telling_them(editor_client, make_incident):
    incident = make_incident()
    editor_client.post(reverse("postmortems:start", args=[incident.pk]))
    assert Postmortem.objects.get(incident=incident).authors.count() == 1
    assert not Notification.objects.exists()
