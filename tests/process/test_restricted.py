"""Restricted incidents: a unique phrase in every field of one, and an outsider walks every page, export, feed and
search without ever meeting it; the people on it (and the security group) see it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import EDITOR, RESPONDER, VIEWER
from api.models import ApiToken
from incidents.models import Incident, Status, StatusUpdate, TimelineEntry
from meetings.services import end_meeting, item_version, record_decision, start_meeting
from notifications.models import CalendarFeed, Notification, ReviewMeeting, Team
from postmortems.models import ActionItem, Postmortem
from reviews import services as review_services
from runbooks.models import Runbook, RunbookUsage
from tests.api.conftest import token_client
from tests.conftest import make_user
from tests.site_walk import walk_site
from tests.test_permissions import ALL_URLS, build_url

pytestmark = pytest.mark.django_db

PHRASE = "zebracornquux"


class RecordingClient(Client):
    """A test client that keeps every body it was given, so the walk can be searched for the phrase."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bodies = {}

    def get(self, path, *args, **kwargs):
        response = super().get(path, *args, **kwargs)
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        self.bodies[path if not args and not kwargs.get("data") else f"{path} {args} {kwargs}"] = body.decode(
            errors="replace"
        )
        return response


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(db):
    return {
        "commander": make_user("cora", RESPONDER),
        "added": make_user("ada", VIEWER),
        "security": make_user("sec", VIEWER),
        "outsider": make_user("otto", EDITOR),
        "viewer": make_user("val", VIEWER),
    }


@pytest.fixture
def secret(people, make_incident, service, category, tmp_path, settings):
    """A restricted incident with the phrase in every field, and everything that hangs off it."""
    Group.objects.get_or_create(name="Security")[0].user_set.add(people["security"])
    make_incident(services=[service], categories=[category], title="An ordinary outage")
    incident = make_incident(
        services=[service],
        categories=[category],
        title=f"Credential leak {PHRASE}",
        summary=f"Summary {PHRASE}",
        customer_impact=f"Impact {PHRASE}",
        chat_channel_url=f"https://chat.example.com/{PHRASE}",
        bridge_url=f"https://meet.example.com/{PHRASE}",
        commander=people["commander"],
        status=Status.INVESTIGATING,
        restricted=True,
    )
    incident.people.add(people["added"])
    TimelineEntry.objects.create(incident=incident, text=f"Timeline {PHRASE}", kind=TimelineEntry.Kind.ACTION)
    for visibility in StatusUpdate.Visibility.values:
        StatusUpdate.objects.create(
            incident=incident,
            status=incident.status,
            visibility=visibility,
            headline=f"Headline {PHRASE}",
            message=f"Message {PHRASE}",
            author=people["commander"],  # not the communications lead: never public
        )
    postmortem = Postmortem(incident=incident, title=f"Postmortem {PHRASE}", body=f"## Summary\n{PHRASE}")
    postmortem.save_revision(people["commander"])
    item = ActionItem.objects.create(
        postmortem=postmortem,
        title=f"Action {PHRASE}",
        description=f"Described {PHRASE}",
        owner=people["outsider"],
        team=service.team,
        due_date=timezone.localdate() + timedelta(days=3),
    )
    # A document everyone reads that mentions it: the reference must give nothing away (no link, no title).
    runbook = Runbook(
        title="Rotate credentials",
        slug="rotate-credentials",
        body=f"## Overview\nWritten after INC-{incident.pk}.",
    )
    runbook.save_revision(people["commander"])
    runbook.services.set([service])
    RunbookUsage.objects.create(
        incident=incident, runbook=runbook, outcome=RunbookUsage.Outcome.DIDNT_HELP, note=f"Note {PHRASE}"
    )
    meeting = ReviewMeeting.objects.create(
        postmortem=postmortem, starts_at=timezone.now() + timedelta(days=1), organizer=people["commander"]
    )
    meeting.attendees.add(people["outsider"])
    notification = Notification.objects.create(
        kind="action_assigned",
        recipient=people["outsider"],
        subject=f"Assigned {PHRASE}",
        body_text=PHRASE,
        target_type="postmortems.actionitem",
        target_id=item.pk,
    )
    team = Team.objects.create(name=service.team)
    settings.MEDIA_ROOT = tmp_path
    comment = review_services.add_comment(
        postmortem=postmortem, by=people["commander"], body=f"Comment {PHRASE}"
    )
    review_meeting = start_meeting(
        team=None, service=None, attendees=[people["commander"], people["outsider"]], by=people["commander"]
    )
    ended_meeting = start_meeting(
        team=None, service=None, attendees=[people["commander"], people["outsider"]], by=people["commander"]
    )
    agenda_item = ended_meeting.agenda.get(action_item=item)
    record_decision(
        agenda_item=agenda_item,
        kind="no_change",
        by=people["commander"],
        reason=f"Reason {PHRASE}",
        seen_decision_id=None,
        seen_version=item_version(item),
    )
    end_meeting(meeting=ended_meeting, by=people["commander"])
    return {
        "service": service,
        "category": category,
        "comment": comment,
        "meeting": review_meeting,
        "ended_meeting": ended_meeting,
        "api_token": ApiToken.issue(user=people["outsider"], name="script")[0],
        "incident": incident,
        "incident_without_postmortem": incident,
        "postmortem": postmortem,
        "action_item": item,
        "runbook": runbook,
        "notification": notification,
        "unsubscribe_token": "x",
        "calendar_feed": CalendarFeed.objects.create(user=people["outsider"]),
        "team": team,
        "chat_channel": team.chat_channels.create(name="#security", url="json://127.0.0.1:9/hook"),
        "uploaded_image": "none.png",
    }


def client_for(user):
    client = RecordingClient()
    client.force_login(user)
    return client


def extra_addresses(secret):
    search = reverse("search:search")
    return [
        f"{search}?q=credential",
        f"{search}?q=credential+leak&kind=postmortem",
        f"{search}?q=action&kind=action_item",
        reverse("incidents:export"),
        reverse("actions:export"),
        reverse("transfer:export_json"),
        reverse("status:page"),
        reverse("status:feed"),
        reverse("notifications:person_calendar", args=[secret["calendar_feed"].token]),
        reverse("notifications:team_calendar", args=[secret["team"].calendar_token]),
        f"{reverse('incidents:similar_to_draft')}?title=credential+leak",
        reverse("services:detail", args=[secret["service"].pk]),
        reverse("runbooks:detail", args=[secret["runbook"].slug]),
        secret["ended_meeting"].get_absolute_url(),
        *(
            reverse("meetings:step", args=[meeting.pk, position])
            for meeting in (secret["meeting"], secret["ended_meeting"])
            for position in range(1, meeting.agenda_size + 1)
        ),
    ]


def test_outsider_never_meets_the_phrase_anywhere(secret, people):
    client = client_for(people["outsider"])
    for visit in walk_site(client, extra_starts=extra_addresses(secret), limit=400):
        assert visit.status < 500, visit.url
    for name, route in ALL_URLS:
        client.get(build_url(name, route, secret))
    leaks = [address for address, body in client.bodies.items() if PHRASE in body]
    assert leaks == []


def api_requests(secret):
    """Every /api/v1/ address for the restricted incident's objects, and the lists and searches that could name
    them: (method, url, body)."""
    incident, postmortem, item = secret["incident"].pk, secret["postmortem"].pk, secret["action_item"].pk
    reads = [
        "/api/v1/incidents/",
        "/api/v1/incidents/?q=credential",
        f"/api/v1/incidents/{incident}/",
        "/api/v1/postmortems/",
        f"/api/v1/postmortems/?q={PHRASE}",
        f"/api/v1/postmortems/{postmortem}/",
        "/api/v1/action-items/",
        "/api/v1/action-items/?section=due_soon",
        f"/api/v1/action-items/{item}/",
        "/api/v1/runbooks/",
        f"/api/v1/runbooks/{secret['runbook'].slug}/",
        f"/api/v1/services/{secret['service'].pk}/",
    ]
    writes = [
        (f"/api/v1/incidents/{incident}/status/", {"status": "resolved"}),
        (f"/api/v1/incidents/{incident}/timeline/", {"text": "hello"}),
        (
            f"/api/v1/incidents/{incident}/status-updates/",
            {"kind": "update", "headline": "h", "message": "m"},
        ),
        (f"/api/v1/action-items/{item}/assign/", {"owner": None}),
        (f"/api/v1/action-items/{item}/status/", {"status": "done"}),
        ("/api/v1/action-items/", {"postmortem": postmortem, "title": "Sneak"}),
    ]
    return [("get", url, None) for url in reads] + [("post", url, body) for url, body in writes]


def test_outsiders_api_token_never_meets_the_phrase(secret, people):
    api = token_client(people["outsider"])
    bodies = {
        url: getattr(api, method)(url, body, format="json").content.decode()
        for method, url, body in api_requests(secret)
    }
    assert [url for url, body in bodies.items() if PHRASE in body] == []


def test_outsiders_api_token_gets_404_on_its_objects(secret, people):
    api = token_client(people["outsider"])
    about_it = (
        f"/api/v1/incidents/{secret['incident'].pk}/",
        f"/api/v1/postmortems/{secret['postmortem'].pk}/",
        f"/api/v1/action-items/{secret['action_item'].pk}/",
    )
    statuses = {
        url: getattr(api, method)(url, body, format="json").status_code
        for method, url, body in api_requests(secret)
        if url.startswith(about_it)
    }
    assert {url for url, status in statuses.items() if status != 404} == set()


def test_the_mentioning_document_does_not_link_or_name_it(secret, people):
    page = client_for(people["outsider"]).get(secret["runbook"].get_absolute_url()).content.decode()
    assert secret["incident"].get_absolute_url() not in page


def test_outsider_searching_for_the_phrase_finds_nothing(secret, people):
    response = client_for(people["outsider"]).get(reverse("search:search"), {"q": PHRASE})
    assert response.context["page_obj"].paginator.count == 0


def test_outsider_gets_404_not_403_on_the_incidents_addresses(secret, people):
    client = client_for(people["outsider"])
    for name in ("incidents:detail", "incidents:edit", "incidents:alerts", "incidents:similar"):
        assert client.get(reverse(name, args=[secret["incident"].pk])).status_code == 404, name
    assert client.get(reverse("postmortems:detail", args=[secret["postmortem"].pk])).status_code == 404
    assert client.get(reverse("actions:edit", args=[secret["action_item"].pk])).status_code == 404


def test_anonymous_status_page_and_feed_never_show_it(secret):
    client = RecordingClient()
    client.get(reverse("status:page"))
    client.get(reverse("status:feed"))
    assert client.get(reverse("status:incident", args=[secret["incident"].pk])).status_code == 404
    assert not [address for address, body in client.bodies.items() if PHRASE in body]


def test_comms_leads_public_update_publishes_it(secret, people):
    incident = secret["incident"]
    incident.comms_lead = people["commander"]
    incident.save()
    assert PHRASE in Client().get(reverse("status:page")).content.decode()


def test_others_cannot_publish_a_restricted_incidents_update(secret, people):
    client = client_for(people["commander"])
    response = client.post(
        reverse("incidents:status_update", args=[secret["incident"].pk]),
        {"kind": "update", "visibility": "public", "headline": "h", "message": "m"},
    )
    assert "only its communications lead can publish" in response.content.decode()


def test_staff_outsider_in_the_admin_does_not_see_it(secret, people):
    staff = people["outsider"]
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(*Permission.objects.filter(codename__startswith="view_"))
    client = client_for(staff)
    for model in (
        "incidents/incident",
        "incidents/timelineentry",
        "incidents/statusupdate",
        "postmortems/postmortem",
        "postmortems/actionitem",
        "runbooks/runbookusage",
        "search/searchdocument",
        "notifications/notification",
        "notifications/reviewmeeting",
    ):
        client.get(f"/admin/{model}/")
    client.get(f"/admin/incidents/incident/{secret['incident'].pk}/change/", follow=True)
    assert not [address for address, body in client.bodies.items() if PHRASE in body]


@pytest.mark.parametrize("who", ["commander", "added", "security"])
def test_the_people_on_it_see_it(secret, people, who):
    client = client_for(people[who])
    assert PHRASE in client.get(secret["incident"].get_absolute_url()).content.decode()
    assert PHRASE in client.get(reverse("incidents:list")).content.decode()
    assert PHRASE in client.get(reverse("search:search"), {"q": PHRASE}).content.decode()


def test_superuser_sees_it(secret):
    boss = make_user("boss", is_superuser=True, is_staff=True)
    assert PHRASE in client_for(boss).get(secret["incident"].get_absolute_url()).content.decode()


def test_restricting_an_incident_with_public_updates_asks_first(responder_client, make_incident, service):
    from tests.incidents.test_pages import edit_payload

    incident = make_incident(services=[service])
    StatusUpdate.objects.create(incident=incident, status=incident.status, headline="h", message="m")
    url = reverse("incidents:edit", args=[incident.pk])
    response = responder_client.post(url, edit_payload(incident, restricted="on"))
    assert "public status update" in response.content.decode()
    assert Incident.objects.get(pk=incident.pk).restricted is False
    responder_client.post(url, edit_payload(incident, restricted="on", confirm_restrict="on"))
    assert Incident.objects.get(pk=incident.pk).restricted is True


def test_team_channels_hear_nothing_of_a_restricted_incident(secret):
    from notifications.services import notify_incident_declared

    secret["team"].chat_channels.update(enabled=True)
    notify_incident_declared(incident=secret["incident"])
    assert not Notification.objects.filter(kind="incident_declared").exists()
