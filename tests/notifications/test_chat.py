"""Team chat through Apprise, posted to an HTTP receiver on loopback."""

import pytest

from notifications import delivery
from notifications.messages import Message
from notifications.models import Kind, Notification, State
from notifications.services import notify_incident_declared, queue_for_teams

pytestmark = pytest.mark.django_db


def post(team_channel, subject="SEV-1 declared: INC-1 Checkout down"):
    [notification] = queue_for_teams(
        kind=Kind.INCIDENT_DECLARED,
        teams=[team_channel.team.name],
        message=Message(subject=subject, lines=["Commander: Eddie."], link="/incidents/1/"),
    )
    delivery.deliver(notification.pk)
    notification.refresh_from_db()
    return notification


def test_a_chat_message_reaches_the_channel(team_channel, chat_receiver):
    post(team_channel)
    assert chat_receiver.payloads()[0]["title"] == "SEV-1 declared: INC-1 Checkout down"


def test_a_chat_message_links_to_the_thing(team_channel, chat_receiver):
    post(team_channel)
    assert "https://hindsight.example.com/incidents/1/" in chat_receiver.payloads()[0]["message"]


def test_a_delivered_chat_message_is_marked_sent(team_channel, chat_receiver):
    assert post(team_channel).state == State.SENT


def test_a_chat_service_answering_500_is_retried_with_the_reason(team_channel, chat_receiver):
    chat_receiver.mode = "fail"
    notification = post(team_channel)
    assert (notification.state, notification.attempts) == (State.QUEUED, 1)
    assert "500" in notification.reason


def test_a_hanging_chat_service_times_out_and_is_retried(team_channel, chat_receiver):
    chat_receiver.mode = "hang"
    notification = post(team_channel)
    assert notification.state == State.QUEUED
    assert notification.reason.startswith("Attempt 1 failed")


def test_a_url_apprise_does_not_understand_fails_for_good(team_channel, chat_receiver):
    team_channel.url = "nonsense://nowhere"
    team_channel.save()
    notification = post(team_channel)
    assert notification.state == State.FAILED
    assert "Apprise" in notification.reason


def test_a_team_without_channels_gets_nothing(db, make_incident, service):
    notify_incident_declared(incident=make_incident(services=[service], status="investigating"))
    assert not Notification.objects.exists()


def test_a_declared_incident_goes_to_its_teams_channel(team_channel, make_incident, service):
    incident = make_incident(services=[service], status="investigating", severity=1)
    notify_incident_declared(incident=incident)
    notification = Notification.objects.get()
    assert (notification.kind, notification.chat_channel) == (Kind.INCIDENT_DECLARED, team_channel)
