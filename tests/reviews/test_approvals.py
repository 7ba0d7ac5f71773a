"""Approvals: named reviewers approve or request changes; publishing needs enough of them, or an Editor's reason."""

import pytest
from django.urls import reverse

from accounts.roles import EDITOR, VIEWER
from notifications.models import Notification
from postmortems.services import transition_postmortem
from reviews import services
from reviews.models import Verdict
from reviews.services import NotApproved
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(reviewed):
    person = make_user("rosa", VIEWER)
    reviewed.reviewers.add(person)
    return person


def verdict_url(postmortem):
    return reverse("reviews:verdict", args=[postmortem.pk])


def test_a_named_reviewer_approves_the_current_version(reviewed, reviewer, login):
    login(reviewer).post(verdict_url(reviewed), {"kind": "approved"})
    assert Verdict.objects.get().version == reviewed.version


def test_someone_not_named_cannot_approve(reviewed, reviewer, editor_client):
    assert editor_client.post(verdict_url(reviewed), {"kind": "approved"}).status_code == 403


def test_the_authors_hear_about_a_verdict(reviewed, reviewer, editor):
    services.give_verdict(postmortem=reviewed, by=reviewer, kind="changes_requested", note="Add the timeline")
    assert Notification.objects.filter(recipient=editor).count() == 1


def test_a_new_revision_marks_an_approval_as_given_on_an_older_version(
    reviewed, reviewer, editor, viewer_client
):
    services.give_verdict(postmortem=reviewed, by=reviewer, kind="approved")
    reviewed.body += "\nOne more line.\n"
    reviewed.save_revision(editor)
    page = viewer_client.get(reviewed.get_absolute_url()).content.decode()
    assert "given on an older version (1)" in page


def test_an_approval_of_an_older_version_does_not_count(reviewed, reviewer, editor):
    services.give_verdict(postmortem=reviewed, by=reviewer, kind="approved")
    reviewed.body += "\nOne more line.\n"
    reviewed.save_revision(editor)
    with pytest.raises(NotApproved):
        transition_postmortem(postmortem=reviewed, status="published", by=editor)


def test_publishing_without_approvals_is_refused(editor_client, reviewed, reviewer):
    response = editor_client.post(reverse("postmortems:workflow", args=[reviewed.pk]), {"action": "publish"})
    assert "Publishing needs 1 approval of this version (it has 0)" in response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.status == "draft"


def test_publishing_after_an_approval(editor_client, reviewed, reviewer):
    services.give_verdict(postmortem=reviewed, by=reviewer, kind="approved")
    editor_client.post(reverse("postmortems:workflow", args=[reviewed.pk]), {"action": "publish"})
    reviewed.refresh_from_db()
    assert reviewed.status == "published"


def test_the_number_of_approvals_is_a_setting(editor_client, reviewed, reviewer, settings):
    settings.HINDSIGHT_POSTMORTEM_APPROVALS = 2
    services.give_verdict(postmortem=reviewed, by=reviewer, kind="approved")
    editor_client.post(reverse("postmortems:workflow", args=[reviewed.pk]), {"action": "publish"})
    reviewed.refresh_from_db()
    assert reviewed.status == "draft"


def test_an_editor_overrides_with_a_reason_kept_in_the_history(editor_client, reviewed, reviewer, editor):
    editor_client.post(
        reverse("postmortems:workflow", args=[reviewed.pk]),
        {"action": "publish", "override_reason": "Rosa is on leave; reviewed in the meeting"},
    )
    reviewed.refresh_from_db()
    assert reviewed.status == "published"
    override = Verdict.objects.get(kind="override")
    assert (override.reviewer, override.note) == (editor, "Rosa is on leave; reviewed in the meeting")


def test_the_override_shows_in_the_review_history(editor_client, reviewed, reviewer, editor):
    services.check_publishable(postmortem=reviewed, by=editor, override_reason="Urgent for the customer")
    page = editor_client.get(reviewed.get_absolute_url()).content.decode()
    assert "Published without enough approvals (version 1): Urgent for the customer" in page


def test_only_an_editor_may_override(reviewed, reviewer):
    with pytest.raises(Exception, match="Only an Editor"):
        services.check_publishable(postmortem=reviewed, by=reviewer, override_reason="I say so")


def test_home_shows_postmortems_waiting_for_review_and_for_whom(editor_client, reviewed, reviewer, editor):
    transition_postmortem(postmortem=reviewed, status="in_review", by=editor)
    page = editor_client.get(reverse("home")).content.decode()
    assert "Postmortems waiting for review" in page
    assert f'{reviewed.title}</a>\n      <span class="muted">waiting for Rosa</span>' in page


def test_the_review_page_drops_a_postmortem_once_approved(editor_client, reviewed, reviewer, editor):
    transition_postmortem(postmortem=reviewed, status="in_review", by=editor)
    services.give_verdict(postmortem=reviewed, by=reviewer, kind="approved")
    page = editor_client.get(reverse("actions:review")).content.decode()
    assert "Nothing is waiting for review." in page


def test_two_reviewers_one_approved_still_waits_for_the_other(
    editor_client, reviewed, reviewer, editor, settings
):
    settings.HINDSIGHT_POSTMORTEM_APPROVALS = 2
    other = make_user("omar", EDITOR)
    reviewed.reviewers.add(other)
    transition_postmortem(postmortem=reviewed, status="in_review", by=editor)
    services.give_verdict(postmortem=reviewed, by=reviewer, kind="approved")
    page = editor_client.get(reverse("actions:review")).content.decode()
    assert "waiting for Omar</span>" in page
