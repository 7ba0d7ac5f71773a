from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Decision, DueDateChange, Meeting
from postmortems.models import ActionItem


@pytest.fixture
def meeting(team, items, editor):
    return services.start_meeting(team=team, service=None, attendees=[editor], by=editor)


def step_url(meeting, position):
    return reverse("meetings:step", args=[meeting.pk, position])


def decision_data(client, meeting, position, **fields):
    """The form as the step page shows it (with its versions), with `fields` filled in."""
    form = client.get(step_url(meeting, position)).context["form"]
    return {
        "seen_decision": form.initial.get("seen_decision", ""),
        "seen_version": form.initial["seen_version"],
        **fields,
    }


def test_the_review_page_offers_to_start_a_meeting_with_its_filters(editor_client, team, items):
    response = editor_client.get(reverse("actions:review"), {"team": team.name})
    assert f"{reverse('meetings:start')}?team={team.name}" in response.content.decode()


def test_viewers_are_not_offered_to_start_a_meeting(viewer_client, team, items):
    response = viewer_client.get(reverse("actions:review"))
    assert reverse("meetings:start") not in response.content.decode()


def test_starting_a_meeting_opens_the_first_agenda_item(editor_client, editor, team, items):
    response = editor_client.post(reverse("meetings:start"), {"team": team.name, "attendees": [editor.pk]})
    meeting = Meeting.objects.get()
    assert response["Location"] == step_url(meeting, 1)


def test_the_start_page_keeps_the_review_filters(editor_client, team, items):
    response = editor_client.get(reverse("meetings:start"), {"team": team.name})
    assert response.context["form"].initial["team"] == team.name


def test_a_viewer_cannot_start_a_meeting(viewer_client, team, items):
    response = viewer_client.post(reverse("meetings:start"), {"team": team.name})
    assert response.status_code == 403


def test_a_viewer_cannot_record_a_decision(viewer_client, meeting):
    response = viewer_client.post(reverse("meetings:decide", args=[meeting.pk, 1]), {"kind": "no_change"})
    assert response.status_code == 403


def test_a_viewer_can_follow_the_meeting(viewer_client, meeting):
    response = viewer_client.get(step_url(meeting, 1))
    assert response.status_code == 200


def test_a_viewer_is_not_shown_the_decision_form(viewer_client, meeting):
    response = viewer_client.get(step_url(meeting, 1))
    assert "Record decision" not in response.content.decode()


def test_the_step_page_links_to_the_next_item(editor_client, meeting):
    response = editor_client.get(step_url(meeting, 1))
    assert f'href="{step_url(meeting, 2)}"' in response.content.decode()


def test_jumping_goes_to_the_numbered_item(editor_client, meeting):
    response = editor_client.get(reverse("meetings:jump", args=[meeting.pk]), {"position": "3"})
    assert response["Location"] == step_url(meeting, 3)


def test_recording_a_decision_moves_to_the_next_item(editor_client, meeting):
    data = decision_data(editor_client, meeting, 1, kind="escalated", reason="To the platform lead")
    response = editor_client.post(reverse("meetings:decide", args=[meeting.pk, 1]), data)
    assert response["Location"] == step_url(meeting, 2)


def test_a_new_due_date_without_a_reason_is_refused_with_the_error_shown(editor_client, meeting, items):
    new_date = timezone.localdate() + timedelta(days=30)
    data = decision_data(editor_client, meeting, 2, kind="new_due_date", due_date=new_date.isoformat())
    response = editor_client.post(reverse("meetings:decide", args=[meeting.pk, 2]), data)
    assert response.status_code == 400
    assert not DueDateChange.objects.exists()


def test_assigning_by_username_from_the_step_page(editor_client, meeting, items, editor):
    data = decision_data(editor_client, meeting, 1, kind="assigned", owner=editor.username)
    editor_client.post(reverse("meetings:decide", args=[meeting.pk, 1]), data)
    items["unowned"].refresh_from_db()
    assert items["unowned"].owner == editor


def test_the_later_of_two_people_deciding_sees_the_earlier_decision(
    client, editor_client, meeting, responder
):
    from accounts.roles import EDITOR
    from tests.conftest import make_user

    other = client.__class__()
    other.force_login(make_user("olga", EDITOR))
    stale = decision_data(other, meeting, 2, kind="done")
    first = decision_data(editor_client, meeting, 2, kind="escalated", reason="Needs the DBA team")
    editor_client.post(reverse("meetings:decide", args=[meeting.pk, 2]), first)
    response = other.post(reverse("meetings:decide", args=[meeting.pk, 2]), stale)
    assert response.status_code == 409
    assert "Needs the DBA team" in response.content.decode()


def test_after_a_conflict_sending_again_records_the_decision(client, editor_client, meeting, items):
    from accounts.roles import EDITOR
    from tests.conftest import make_user

    other = client.__class__()
    other.force_login(make_user("olga", EDITOR))
    stale = decision_data(other, meeting, 2, kind="done")
    editor_client.post(
        reverse("meetings:decide", args=[meeting.pk, 2]),
        decision_data(editor_client, meeting, 2, kind="escalated", reason="x"),
    )
    form = other.post(reverse("meetings:decide", args=[meeting.pk, 2]), stale).context["form"]
    other.post(reverse("meetings:decide", args=[meeting.pk, 2]), {**form.initial, "kind": "done"})
    items["overdue"].refresh_from_db()
    assert items["overdue"].status == ActionItem.Status.DONE


def test_notes_are_shown_rendered(editor_client, meeting):
    editor_client.post(
        reverse("meetings:notes", args=[meeting.pk]), {"notes": "We agreed to **stop** adding."}
    )
    response = editor_client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert "<strong>stop</strong>" in response.content.decode()


def test_ending_shows_the_summary_with_the_decisions(editor_client, meeting):
    data = decision_data(editor_client, meeting, 1, kind="escalated", reason="To the platform lead")
    editor_client.post(reverse("meetings:decide", args=[meeting.pk, 1]), data)
    editor_client.post(reverse("meetings:end", args=[meeting.pk]))
    response = editor_client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert "To the platform lead" in response.content.decode()


def test_a_stale_meeting_is_closed_when_opened(editor_client, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(started_at=timezone.now() - timedelta(hours=13))
    editor_client.get(reverse("meetings:detail", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.closed_automatically


def test_the_team_history_lists_the_meeting(editor_client, meeting, team):
    response = editor_client.get(reverse("meetings:team", args=[team.name]))
    assert list(response.context["meetings"]) == [meeting]


def test_the_step_page_of_a_deleted_item_says_so(editor_client, meeting, items):
    items["overdue"].delete()
    response = editor_client.get(step_url(meeting, 2))
    assert "Deleted after the agenda was built" in response.content.decode()


def test_the_timer_adds_the_seconds_spent(editor_client, meeting):
    editor_client.post(reverse("meetings:time", args=[meeting.pk, 1]), {"seconds": "75"})
    assert meeting.agenda.get(position=1).seconds_spent == 75


def test_each_decision_is_in_the_items_history_on_the_step_page(editor_client, meeting):
    data = decision_data(editor_client, meeting, 1, kind="escalated", reason="To the platform lead")
    editor_client.post(reverse("meetings:decide", args=[meeting.pk, 1]), data)
    response = editor_client.get(step_url(meeting, 1))
    assert [decision.kind for decision in response.context["context"].decisions] == [Decision.Kind.ESCALATED]


def test_insights_show_the_team_whose_due_dates_keep_moving(editor_client, meeting, items, team):
    for days in (10, 20):
        DueDateChange.objects.create(
            action_item=items["overdue"],
            old_date=timezone.localdate() + timedelta(days=days),
            new_date=timezone.localdate() + timedelta(days=days + 10),
            reason="Vendor",
        )
    response = editor_client.get(reverse("insights:index"))
    assert [(row.team, row.slips, row.days) for row in response.context["slippage"]] == [(team.name, 2, 20)]


def test_insights_list_an_item_moved_twice(editor_client, meeting, items):
    for days in (10, 20):
        DueDateChange.objects.create(
            action_item=items["overdue"],
            old_date=timezone.localdate() + timedelta(days=days),
            new_date=timezone.localdate() + timedelta(days=days + 10),
            reason="Vendor",
        )
    response = editor_client.get(reverse("insights:index"))
    assert response.context["slipped_items"] == [items["overdue"]]


def test_an_items_history_shows_the_meeting_that_moved_its_due_date(editor_client, meeting, items):
    new_date = timezone.localdate() + timedelta(days=30)
    data = decision_data(
        editor_client, meeting, 2, kind="new_due_date", due_date=new_date.isoformat(), reason="Vendor is late"
    )
    editor_client.post(reverse("meetings:decide", args=[meeting.pk, 2]), data)
    response = editor_client.get(reverse("meetings:item_history", args=[items["overdue"].pk]))
    assert [change.meeting for change in response.context["changes"]] == [meeting]
