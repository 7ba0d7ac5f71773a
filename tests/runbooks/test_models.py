from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from runbooks.models import Runbook, RunbookUsage

pytestmark = pytest.mark.django_db


def reviewed(runbook, days_ago, interval=90):
    Runbook.objects.filter(pk=runbook.pk).update(
        last_reviewed_at=timezone.now() - timedelta(days=days_ago), review_interval_days=interval
    )
    runbook.refresh_from_db()
    return runbook


def test_never_reviewed_runbook_is_due_for_review(make_runbook):
    runbook = make_runbook()
    assert list(Runbook.objects.due_for_review()) == [runbook]


def test_due_for_review_uses_each_runbooks_own_interval(make_runbook):
    overdue = reviewed(make_runbook(title="Overdue"), days_ago=40, interval=30)
    reviewed(make_runbook(title="Fresh"), days_ago=40, interval=90)
    reviewed(make_runbook(title="Recent"), days_ago=1, interval=30)
    assert list(Runbook.objects.due_for_review()) == [overdue]


def test_with_review_state_annotates_due_and_needs_update_in_one_query(
    make_runbook, make_incident, django_assert_num_queries
):
    due = make_runbook(title="Never reviewed")
    fine = reviewed(make_runbook(title="Fine"), days_ago=1)
    RunbookUsage.objects.create(incident=make_incident(), runbook=fine, outcome="didnt_help")
    with django_assert_num_queries(1):
        state = {
            r.title: (r.is_due_for_review, r.is_flagged_needs_update)
            for r in Runbook.objects.with_review_state()
        }
    assert state == {due.title: (True, False), fine.title: (False, True)}


def test_didnt_help_after_last_review_flags_needs_update(make_runbook, make_incident):
    runbook = reviewed(make_runbook(), days_ago=5)
    RunbookUsage.objects.create(incident=make_incident(), runbook=runbook, outcome="didnt_help")
    assert list(Runbook.objects.needs_update()) == [runbook]


def test_review_after_the_unhelpful_incident_clears_the_flag(make_runbook, make_incident, editor):
    runbook = make_runbook()
    RunbookUsage.objects.create(
        incident=make_incident(),
        runbook=runbook,
        outcome="didnt_help",
        recorded_at=timezone.now() - timedelta(days=2),
    )
    assert list(Runbook.objects.needs_update()) == [runbook]
    runbook.mark_reviewed(editor)
    assert not Runbook.objects.needs_update().exists()


def test_helpful_usage_does_not_flag_needs_update(make_runbook, make_incident):
    runbook = reviewed(make_runbook(), days_ago=5)
    RunbookUsage.objects.create(incident=make_incident(), runbook=runbook, outcome="helped")
    RunbookUsage.objects.create(incident=make_incident(), runbook=runbook, outcome="partly")
    assert not Runbook.objects.needs_update().exists()


def test_slug_comes_from_title_and_stays_unique(make_runbook):
    first = make_runbook(title="High memory on search-api")
    second = make_runbook(title="High memory on search-api")
    assert first.slug == "high-memory-on-search-api"
    assert second.slug == "high-memory-on-search-api-2"


def test_every_save_is_a_revision(make_runbook, editor):
    runbook = make_runbook(author=editor)
    runbook.body += "\n## Escalation\n"
    runbook.save_revision(editor, expected_version=1)
    assert list(runbook.revisions.values_list("number", flat=True)) == [2, 1]


def test_one_usage_per_incident_and_runbook(make_runbook, make_incident):
    runbook, incident = make_runbook(), make_incident()
    RunbookUsage.objects.create(incident=incident, runbook=runbook, outcome="helped")
    with pytest.raises(IntegrityError):
        RunbookUsage.objects.create(incident=incident, runbook=runbook, outcome="partly")


def test_missing_runbook_needs_a_note_and_no_runbook(make_runbook, make_incident):
    incident = make_incident()
    with pytest.raises(ValidationError) as no_note:
        RunbookUsage(incident=incident, outcome="missing").full_clean()
    assert "note" in no_note.value.message_dict
    with pytest.raises(ValidationError) as with_runbook:
        RunbookUsage(incident=incident, runbook=make_runbook(), outcome="missing", note="x").full_clean()
    assert "runbook" in with_runbook.value.message_dict
    RunbookUsage(incident=incident, outcome="missing", note="Needed a Kafka lag runbook").full_clean()
