from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem, Decision, DueDateChange, Meeting
from notifications.models import Kind, Notification
from postmortems.models import ActionItem, Postmortem
from tests.conftest import make_user


def start(team, editor, **extra):
    return services.start_meeting(team=team, service=None, attendees=[editor], by=editor, **extra)


def decide(agenda_item, by, **fields):
    latest = Decision.objects.filter(action_item=agenda_item.action_item).order_by("-pk").first()
    fields.setdefault("seen_decision_id", latest.pk if latest else None)
    fields.setdefault("seen_version", services.item_version(agenda_item.action_item))
    return services.record_decision(agenda_item=agenda_item, by=by, **fields)


def test_agenda_runs_unowned_then_overdue_then_due_soon(team, items, editor):
    meeting = start(team, editor)
    titles = list(meeting.agenda.order_by("position").values_list("title", flat=True))
    assert titles == ["Nobody has this", "Late one", "Due soon"]


def test_agenda_lists_postmortems_waiting_for_review(team, items, editor, postmortem):
    postmortem.status = Postmortem.Status.IN_REVIEW
    postmortem.save()
    meeting = start(team, editor)
    assert meeting.agenda.filter(section=AgendaItem.Section.POSTMORTEM, postmortem=postmortem).exists()


def test_items_of_other_teams_stay_off_the_agenda(team, items, editor):
    items["unowned"].team = "Search"
    items["unowned"].save()
    meeting = start(team, editor)
    assert not meeting.agenda.filter(action_item=items["unowned"]).exists()


def test_an_item_slipped_twice_is_on_the_agenda(team, items, editor):
    later = items["later"]
    for old, new in ((10, 20), (20, 60)):
        DueDateChange.objects.create(
            action_item=later,
            old_date=timezone.localdate() + timedelta(old),
            new_date=timezone.localdate() + timedelta(new),
            reason="More work than thought",
        )
    meeting = start(team, editor)
    assert meeting.agenda.get(action_item=later).section == AgendaItem.Section.SLIPPING


def test_new_items_since_the_last_meeting_are_on_the_next_agenda(team, items, editor, make_item):
    first = start(team, editor, now=timezone.now() - timedelta(days=7))
    services.end_meeting(meeting=first, by=editor, now=timezone.now() - timedelta(days=7))
    fresh = make_item("Brand new", owner=editor, due_date=timezone.localdate() + timedelta(days=40))
    second = start(team, editor)
    assert second.agenda.get(action_item=fresh).section == AgendaItem.Section.NEW


def test_assigning_gives_the_item_its_owner(team, items, editor):
    meeting = start(team, editor)
    someone = make_user("olga")
    decide(meeting.agenda.get(position=1), editor, kind=Decision.Kind.ASSIGNED, owner=someone)
    items["unowned"].refresh_from_db()
    assert items["unowned"].owner == someone


def test_a_new_due_date_is_kept_in_the_items_history_with_the_meeting(team, items, editor):
    meeting = start(team, editor)
    overdue = meeting.agenda.get(action_item=items["overdue"])
    new_date = timezone.localdate() + timedelta(days=14)
    decide(overdue, editor, kind=Decision.Kind.NEW_DUE_DATE, due_date=new_date, reason="Waiting on a vendor")
    change = DueDateChange.objects.get(action_item=items["overdue"])
    assert (change.new_date, change.meeting) == (new_date, meeting)


def test_moving_a_due_date_needs_a_reason(team, items, editor):
    meeting = start(team, editor)
    overdue = meeting.agenda.get(action_item=items["overdue"])
    with pytest.raises(ValidationError):
        decide(overdue, editor, kind=Decision.Kind.NEW_DUE_DATE, due_date=timezone.localdate() + timedelta(9))


def test_wont_do_needs_a_reason(team, items, editor):
    meeting = start(team, editor)
    with pytest.raises(ValidationError):
        decide(meeting.agenda.get(position=1), editor, kind=Decision.Kind.WONT_DO)


def test_wont_do_closes_the_item_with_the_reason(team, items, editor):
    meeting = start(team, editor)
    decide(
        meeting.agenda.get(position=1), editor, kind=Decision.Kind.WONT_DO, reason="Replaced by the new queue"
    )
    items["unowned"].refresh_from_db()
    assert items["unowned"].wont_do_reason == "Replaced by the new queue"


def test_done_closes_the_item(team, items, editor):
    meeting = start(team, editor)
    decide(meeting.agenda.get(action_item=items["due_soon"]), editor, kind=Decision.Kind.DONE)
    items["due_soon"].refresh_from_db()
    assert items["due_soon"].status == ActionItem.Status.DONE


def test_the_later_of_two_decisions_on_one_item_is_refused_and_sees_the_first(team, items, editor):
    meeting = start(team, editor)
    agenda_item = meeting.agenda.get(action_item=items["overdue"])
    version = services.item_version(items["overdue"])
    first = services.record_decision(
        agenda_item=agenda_item,
        kind=Decision.Kind.ESCALATED,
        by=editor,
        seen_decision_id=None,
        seen_version=version,
    )
    with pytest.raises(services.DecisionConflict) as conflict:
        services.record_decision(
            agenda_item=agenda_item,
            kind=Decision.Kind.NO_CHANGE,
            by=make_user("olga"),
            seen_decision_id=None,
            seen_version=version,
        )
    assert conflict.value.latest == first


def test_a_conflicting_decision_writes_nothing(team, items, editor):
    meeting = start(team, editor)
    agenda_item = meeting.agenda.get(action_item=items["overdue"])
    version = services.item_version(items["overdue"])
    services.record_decision(
        agenda_item=agenda_item,
        kind=Decision.Kind.ESCALATED,
        by=editor,
        seen_decision_id=None,
        seen_version=version,
    )
    with pytest.raises(services.DecisionConflict):
        services.record_decision(
            agenda_item=agenda_item,
            kind=Decision.Kind.DONE,
            by=editor,
            seen_decision_id=None,
            seen_version=version,
        )
    items["overdue"].refresh_from_db()
    assert items["overdue"].is_open


def test_a_decision_about_an_item_deleted_mid_meeting_is_refused(team, items, editor):
    meeting = start(team, editor)
    agenda_item = meeting.agenda.get(action_item=items["overdue"])
    items["overdue"].delete()
    agenda_item.refresh_from_db()
    with pytest.raises(ValidationError):
        services.record_decision(
            agenda_item=agenda_item,
            kind=Decision.Kind.DONE,
            by=editor,
            seen_decision_id=None,
            seen_version="",
        )


def test_a_meeting_left_open_closes_itself_after_12_hours_keeping_its_decisions(team, items, editor):
    meeting = start(team, editor, now=timezone.now() - timedelta(hours=13))
    decide(meeting.agenda.get(position=1), editor, kind=Decision.Kind.ESCALATED)
    assert services.close_stale_meetings() == 1
    meeting.refresh_from_db()
    assert (meeting.closed_automatically, meeting.decisions.count()) == (True, 1)


def test_a_meeting_open_for_an_hour_stays_open(team, items, editor):
    start(team, editor, now=timezone.now() - timedelta(hours=1))
    assert services.close_stale_meetings() == 0


def test_no_decision_after_the_meeting_ended(team, items, editor):
    meeting = start(team, editor)
    services.end_meeting(meeting=meeting, by=editor)
    with pytest.raises(ValidationError):
        decide(meeting.agenda.get(position=1), editor, kind=Decision.Kind.ESCALATED)


def test_attendees_are_sent_the_summary_when_the_meeting_ends(team, items, editor):
    meeting = start(team, editor)
    services.end_meeting(meeting=meeting, by=editor)
    assert Notification.objects.filter(kind=Kind.MEETING_SUMMARY, recipient=editor).count() == 1


def test_notes_are_sanitised(team, items, editor):
    meeting = start(team, editor)
    services.save_notes(meeting=meeting, notes="**Agreed** <script>alert(1)</script>", by=editor)
    meeting.refresh_from_db()
    assert "<script" not in meeting.notes_html


def test_ending_records_the_open_items_left(team, items, editor):
    meeting = start(team, editor)
    decide(meeting.agenda.get(action_item=items["due_soon"]), editor, kind=Decision.Kind.DONE)
    meeting = services.end_meeting(meeting=meeting, by=editor)
    assert (meeting.open_items_at_start, meeting.open_items_at_end) == (4, 3)


def test_an_empty_scope_gives_an_empty_agenda(db, editor):
    meeting = services.start_meeting(team=None, service=None, attendees=[], by=editor)
    assert Meeting.objects.get(pk=meeting.pk).agenda_size == 0


def test_the_reminders_command_closes_meetings_left_open(team, items, editor):
    from io import StringIO

    from django.core.management import call_command

    meeting = start(team, editor, now=timezone.now() - timedelta(hours=13))
    call_command("send_reminders", stdout=StringIO())
    meeting.refresh_from_db()
    assert meeting.closed_automatically


def test_a_runbook_flagged_needs_update_is_on_the_agenda(team, items, editor, postmortem):
    from runbooks.models import Runbook, RunbookUsage

    runbook = Runbook(title="Checkout API", slug="checkout-api", body="## Overview", owner_team=team.name)
    runbook.save_revision(editor)
    RunbookUsage.objects.create(
        incident=postmortem.incident, runbook=runbook, outcome=RunbookUsage.Outcome.DIDNT_HELP
    )
    meeting = start(team, editor)
    assert meeting.agenda.get(runbook=runbook).section == AgendaItem.Section.RUNBOOK


def test_a_postmortem_on_the_agenda_can_only_be_discussed_or_escalated(team, items, editor, postmortem):
    postmortem.status = Postmortem.Status.IN_REVIEW
    postmortem.save()
    meeting = start(team, editor)
    with pytest.raises(ValidationError):
        services.record_decision(
            agenda_item=meeting.agenda.get(postmortem=postmortem),
            kind=Decision.Kind.DONE,
            by=editor,
            seen_decision_id=None,
            seen_version="",
        )


def test_since_last_meeting_lists_what_closed_and_what_became_unowned(team, items, editor):
    from meetings.selectors import since_last_meeting

    first = start(team, editor, now=timezone.now() - timedelta(days=7))
    services.end_meeting(meeting=first, by=editor, now=timezone.now() - timedelta(days=7))
    items["due_soon"].status = ActionItem.Status.DONE
    items["due_soon"].save()
    items["later"].owner = None
    items["later"].save()
    since = since_last_meeting(start(team, editor), viewer=editor)
    assert (since.closed, since.newly_unowned) == ([items["due_soon"]], [items["later"]])


def test_notes_saved_by_two_people_at_once_keep_both_texts(team, items, editor):
    meeting = start(team, editor)
    seen = services.notes_version("")
    services.save_notes(meeting=meeting, notes="Olga's notes", by=editor, seen_version=seen)
    services.save_notes(meeting=meeting, notes="Pat's notes", by=editor, seen_version=seen)
    meeting.refresh_from_db()
    assert ("Olga's notes" in meeting.notes, "Pat's notes" in meeting.notes) == (True, True)
