"""Review meetings and restricted incidents: the agenda holds only what the person starting it may see, and the
agenda, the step page, the summary and the item history reveal nothing of a restricted incident to others."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import EDITOR
from meetings import services
from notifications.models import Notification
from postmortems.models import ActionItem, Postmortem
from postmortems.selectors import default_team
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

SECRET = "narwhalquince"


@pytest.fixture
def insider(db):
    return make_user("ines", EDITOR)


@pytest.fixture
def hidden_item(make_incident, service, insider):
    incident = make_incident(services=[service], restricted=True, commander=insider)
    postmortem = Postmortem.objects.create(incident=incident, title=f"Postmortem {SECRET}", body="x")
    return ActionItem.objects.create(
        postmortem=postmortem, title=f"Rotate {SECRET}", team=default_team(postmortem)
    )


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def start(team, by, attendees):
    return services.start_meeting(team=team, service=None, attendees=attendees, by=by)


def test_an_outsiders_agenda_leaves_it_out(team, items, hidden_item, editor):
    meeting = start(team, editor, [editor])
    assert not meeting.agenda.filter(action_item=hidden_item).exists()


def test_an_insiders_agenda_has_it(team, items, hidden_item, insider):
    meeting = start(team, insider, [insider])
    assert meeting.agenda.filter(action_item=hidden_item).exists()


def test_the_agenda_page_does_not_name_it_to_outsiders(team, items, hidden_item, insider, editor):
    meeting = start(team, insider, [insider, editor])
    page = client_for(editor).get(meeting.get_absolute_url()).content.decode()
    assert SECRET not in page


def test_its_step_page_says_it_is_not_visible(team, hidden_item, insider, editor):
    meeting = start(team, insider, [insider, editor])
    page = client_for(editor).get(reverse("meetings:step", args=[meeting.pk, 1])).content.decode()
    assert "Not visible to you" in page


def test_its_step_page_does_not_name_it(team, hidden_item, insider, editor):
    meeting = start(team, insider, [insider, editor])
    page = client_for(editor).get(reverse("meetings:step", args=[meeting.pk, 1])).content.decode()
    assert SECRET not in page


def test_an_outsider_cannot_decide_on_it(team, hidden_item, insider, editor):
    meeting = start(team, insider, [insider, editor])
    response = client_for(editor).post(
        reverse("meetings:decide", args=[meeting.pk, 1]), {"kind": "no_change", "seen_version": "x"}
    )
    assert response.status_code == 404


def test_its_history_page_answers_404_to_outsiders(hidden_item, editor):
    response = client_for(editor).get(reverse("meetings:item_history", args=[hidden_item.pk]))
    assert response.status_code == 404


def ended_with_a_decision(team, insider, editor):
    meeting = start(team, insider, [insider, editor])
    agenda_item = meeting.agenda.get(position=1)
    services.record_decision(
        agenda_item=agenda_item,
        kind="no_change",
        by=insider,
        seen_decision_id=None,
        seen_version=services.item_version(agenda_item.action_item),
    )
    services.end_meeting(meeting=meeting, by=insider)
    return meeting


def test_the_summary_does_not_name_it_to_outsiders(team, hidden_item, insider, editor):
    meeting = ended_with_a_decision(team, insider, editor)
    page = client_for(editor).get(meeting.get_absolute_url()).content.decode()
    assert SECRET not in page


def test_the_summary_names_it_to_insiders(team, hidden_item, insider, editor):
    meeting = ended_with_a_decision(team, insider, editor)
    page = client_for(insider).get(meeting.get_absolute_url()).content.decode()
    assert SECRET in page


def test_no_summary_email_names_it(team, hidden_item, insider, editor):
    # The Outbox shows messages to everyone allowed to read it: even the insider's copy leaves it out.
    ended_with_a_decision(team, insider, editor)
    sent = Notification.objects.filter(kind="meeting_summary")
    assert [n.recipient for n in sent if SECRET in n.body_text] == []
