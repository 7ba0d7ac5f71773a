"""The Outbox, preferences, unsubscribe, calendars, team settings and review meetings."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.roles import EDITOR, VIEWER
from notifications.messages import Message, unsubscribe_token
from notifications.models import (
    CalendarFeed,
    ChatChannel,
    Delivery,
    Kind,
    Notification,
    ReviewMeeting,
    Subscription,
)
from notifications.services import queue_personal
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def message(subject="Assigned to you: rotate keys"):
    return Message(subject=subject, lines=["You have it."], link="/action-items/")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_people_see_only_their_own_messages_on_the_outbox(owner):
    other = make_user("otto", VIEWER, email="otto@example.com")
    queue_personal(kind=Kind.ACTION_ASSIGNED, recipient=owner, message=message("For Olga"))
    queue_personal(kind=Kind.ACTION_ASSIGNED, recipient=other, message=message("For Otto"))
    response = logged_in(other).get(reverse("notifications:outbox"))
    assert [n.subject for n in response.context["notifications"]] == ["For Otto"]


def test_editors_see_everybodys_messages_on_the_outbox(owner):
    queue_personal(kind=Kind.ACTION_ASSIGNED, recipient=owner, message=message("For Olga"))
    response = logged_in(make_user("ed", EDITOR)).get(reverse("notifications:outbox"))
    assert [n.subject for n in response.context["notifications"]] == ["For Olga"]


def test_the_outbox_filters_by_state(owner):
    queue_personal(kind=Kind.ACTION_ASSIGNED, recipient=owner, message=message("Queued one"))
    Subscription.objects.create(user=owner, kind=Kind.ACTION_OVERDUE, delivery=Delivery.OFF)
    queue_personal(kind=Kind.ACTION_OVERDUE, recipient=owner, message=message("Skipped one"))
    response = logged_in(owner).get(reverse("notifications:outbox"), {"state": "skipped"})
    assert [n.subject for n in response.context["notifications"]] == ["Skipped one"]


def test_the_outbox_needs_the_same_queries_for_many_messages(owner, django_assert_max_num_queries):
    editor = logged_in(make_user("ed", EDITOR))
    for n in range(3):
        queue_personal(kind=Kind.ACTION_ASSIGNED, recipient=make_user(f"p{n}"), message=message())
    with django_assert_max_num_queries(8) as few:
        editor.get(reverse("notifications:outbox"))
    for n in range(40):
        queue_personal(kind=Kind.ACTION_ASSIGNED, recipient=make_user(f"q{n}"), message=message())
    with django_assert_max_num_queries(len(few.captured_queries)):
        editor.get(reverse("notifications:outbox"))


def test_older_links_walk_the_outbox_past_the_count_cap(owner, settings, monkeypatch):
    monkeypatch.setattr("notifications.views.OUTBOX_PAGE_SIZE", 2)
    settings.HINDSIGHT_LIST_COUNT_CAP = 3
    for n in range(5):
        queue_personal(kind=Kind.ACTION_ASSIGNED, recipient=owner, message=message(f"Message {n}"))
    client, seen, cursor = logged_in(owner), [], ""
    while cursor is not None:
        page = client.get(reverse("notifications:outbox"), {"page": cursor}).context["page_obj"]
        seen += [n.subject for n in page.object_list]
        cursor = page.next_cursor
    assert seen == [f"Message {n}" for n in reversed(range(5))]


def test_someone_elses_message_is_not_found(owner):
    notification = queue_personal(kind=Kind.ACTION_ASSIGNED, recipient=owner, message=message())
    response = logged_in(make_user("nosy", VIEWER)).get(
        reverse("notifications:detail", args=[notification.pk])
    )
    assert response.status_code == 404


def test_preferences_choose_the_daily_digest_for_a_kind(owner):
    data = dict.fromkeys(Kind.values, Delivery.IMMEDIATELY)
    data[Kind.ACTION_OVERDUE] = Delivery.DIGEST
    logged_in(owner).post(reverse("notifications:preferences"), data)
    assert Subscription.objects.get(user=owner, kind=Kind.ACTION_OVERDUE).delivery == Delivery.DIGEST


def test_a_preferences_post_missing_choices_changes_nothing(owner):
    response = logged_in(owner).post(reverse("notifications:preferences"), {"action_overdue": "off"})
    assert response.status_code == 200
    assert not Subscription.objects.exists()


def test_one_click_unsubscribe_turns_the_kind_off(owner):
    token = unsubscribe_token(user_id=owner.pk, kind=Kind.ACTION_OVERDUE)
    Client(enforce_csrf_checks=True).post(
        reverse("notifications:unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"}
    )
    assert Subscription.objects.get(user=owner, kind=Kind.ACTION_OVERDUE).delivery == Delivery.OFF


def test_opening_the_unsubscribe_link_only_asks(owner):
    token = unsubscribe_token(user_id=owner.pk, kind=Kind.ACTION_OVERDUE)
    response = Client().get(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 200
    assert not Subscription.objects.exists()


def test_a_forged_unsubscribe_token_is_not_found(owner):
    token = unsubscribe_token(user_id=owner.pk, kind=Kind.ACTION_OVERDUE)[:-3] + "abc"
    assert Client().post(reverse("notifications:unsubscribe", args=[token])).status_code == 404


def test_the_personal_calendar_lists_due_action_items(owner, make_action_item):
    make_action_item(owner=owner, title="Rotate the keys", due_date=timezone.localdate() + timedelta(days=5))
    feed = CalendarFeed.objects.create(user=owner)
    response = Client().get(reverse("notifications:person_calendar", args=[feed.token]))
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == ["Due: Rotate the keys"]


def test_a_revoked_calendar_address_stops_working(owner):
    old = CalendarFeed.objects.create(user=owner).token
    logged_in(owner).post(reverse("notifications:revoke_calendar"))
    assert Client().get(reverse("notifications:person_calendar", args=[old])).status_code == 404


def test_the_team_calendar_lists_the_teams_review_meetings(postmortem, owner, service):
    meeting = ReviewMeeting.objects.create(
        postmortem=postmortem, starts_at=timezone.now() + timedelta(days=1)
    )
    meeting.attendees.add(owner)
    from notifications.services import team_named

    team = team_named(name=service.team)
    response = Client().get(reverse("notifications:team_calendar", args=[team.calendar_token]))
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["UID"]) for event in events] == [meeting.uid]


def test_an_editor_adds_a_chat_channel(service, chat_receiver):
    editor = logged_in(make_user("ed", EDITOR))
    editor.post(
        reverse("notifications:add_channel", args=[service.team]), {"name": "#pay", "url": chat_receiver.url}
    )
    assert ChatChannel.objects.get().team.name == service.team


def test_a_chat_url_apprise_does_not_know_is_a_form_error(service):
    editor = logged_in(make_user("ed", EDITOR))
    response = editor.post(
        reverse("notifications:add_channel", args=[service.team]), {"name": "#pay", "url": "gopher://old"}
    )
    assert response.status_code == 400
    assert "url" in response.context["channel_form"].errors


def test_scheduling_a_review_meeting_emails_an_invitation(postmortem, owner):
    editor = logged_in(make_user("ed", EDITOR, email="ed@example.com"))
    day = timezone.localdate() + timedelta(days=2)
    editor.post(
        reverse("notifications:review_meeting", args=[postmortem.pk]),
        {
            "date": day.isoformat(),
            "time": "14:00",
            "duration_minutes": "45",
            "location": "Room 4",
            "attendees": "olga",
        },
    )
    invitation = Notification.objects.get(kind=Kind.REVIEW_MEETING, recipient=owner)
    assert "METHOD:REQUEST" in invitation.ics


def test_moving_a_review_meeting_sends_a_new_sequence(postmortem, owner):
    editor = logged_in(make_user("ed", EDITOR, email="ed@example.com"))
    url = reverse("notifications:review_meeting", args=[postmortem.pk])
    for hour in ("14:00", "15:00"):
        editor.post(
            url,
            {
                "date": (timezone.localdate() + timedelta(days=2)).isoformat(),
                "time": hour,
                "duration_minutes": "45",
                "attendees": "olga",
            },
        )
    latest = Notification.objects.filter(kind=Kind.REVIEW_MEETING).order_by("-pk").first()
    assert "SEQUENCE:1" in latest.ics


def test_a_review_meeting_with_an_unknown_attendee_is_a_form_error(postmortem):
    editor = logged_in(make_user("ed", EDITOR))
    response = editor.post(
        reverse("notifications:review_meeting", args=[postmortem.pk]),
        {
            "date": (timezone.localdate() + timedelta(days=2)).isoformat(),
            "time": "14:00",
            "duration_minutes": "45",
            "attendees": "nobody-here",
        },
    )
    assert "attendees" in response.context["form"].errors
    assert not ReviewMeeting.objects.exists()


def test_an_invitation_email_carries_the_ics_attachment(postmortem, owner, smtp_server):
    from notifications import delivery
    from notifications.services import schedule_review_meeting

    schedule_review_meeting(
        postmortem=postmortem,
        starts_at=timezone.now() + timedelta(days=1),
        duration_minutes=30,
        location="",
        attendees=[owner],
        by=make_user("ed"),
    )
    delivery.deliver_due()
    parts = [part.get_content_type() for part in smtp_server.messages[0].walk()]
    assert "text/calendar" in parts


def test_the_postmortem_page_links_to_its_review_meeting(postmortem, viewer_client):
    response = viewer_client.get(postmortem.get_absolute_url())
    assert reverse("notifications:review_meeting", args=[postmortem.pk]) in response.content.decode()
