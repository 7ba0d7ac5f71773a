"""Review comments: anchored to a section and quoted words, threads, resolve/reopen, own edits only, bad input."""

import pytest
from django.urls import reverse

from accounts.roles import EDITOR, VIEWER
from reviews import services
from reviews.models import ReviewComment
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def comment_url(postmortem):
    return reverse("reviews:add_comment", args=[postmortem.pk])


def test_a_viewer_can_comment_on_a_section(viewer_client, reviewed):
    response = viewer_client.post(
        comment_url(reviewed),
        {"body": "Why 2021?", "section": "Contributing factors", "quote": "set by hand in 2021"},
    )
    assert response.status_code == 302
    assert ReviewComment.objects.get().section == "Contributing factors"


def test_a_comment_shows_on_the_postmortem_with_a_link_to_its_section(viewer_client, reviewed, viewer):
    services.add_comment(postmortem=reviewed, by=viewer, body="Why 2021?", section="Contributing factors")
    page = viewer_client.get(reviewed.get_absolute_url()).content.decode()
    assert 'href="#contributing-factors">Contributing factors</a>' in page


def test_a_viewer_still_cannot_edit_the_postmortem(viewer_client, reviewed):
    assert viewer_client.get(reverse("postmortems:edit", args=[reviewed.pk])).status_code == 403


def test_a_comment_whose_quote_was_edited_away_is_outdated(viewer_client, reviewed, viewer, editor):
    services.add_comment(postmortem=reviewed, by=viewer, body="Source?", quote="set by hand in 2021")
    reviewed.body = reviewed.body.replace("set by hand in 2021", "now computed from traffic")
    reviewed.save_revision(editor)
    page = viewer_client.get(reviewed.get_absolute_url()).content.decode()
    assert "Outdated" in page
    assert "set by hand in 2021" in page  # the quote is still shown


def test_an_edit_elsewhere_keeps_the_anchor(reviewed, viewer, editor, viewer_client):
    services.add_comment(postmortem=reviewed, by=viewer, body="Source?", quote="set by hand in 2021")
    reviewed.body = "Intro added above.\n\n" + reviewed.body
    reviewed.save_revision(editor)
    page = viewer_client.get(reviewed.get_absolute_url()).content.decode()
    assert "Outdated" not in page


def test_commenting_on_text_that_is_not_there_is_refused_with_the_text_kept(viewer_client, reviewed):
    response = viewer_client.post(
        comment_url(reviewed), {"body": "My careful remark", "quote": "never written"}
    )
    assert response.status_code == 400
    assert "That text is not in the postmortem" in response.content.decode()
    assert "My careful remark" in response.content.decode()


def test_commenting_on_a_deleted_section_is_refused(viewer_client, reviewed):
    response = viewer_client.post(comment_url(reviewed), {"body": "Hm", "section": "Timeline"})
    assert response.status_code == 400
    assert "There is no section “Timeline”" in response.content.decode()


def test_a_100_kb_comment_is_refused_with_a_clear_error(viewer_client, reviewed):
    response = viewer_client.post(comment_url(reviewed), {"body": "x" * 100_001})
    assert "A comment holds at most 100 KB of text" in response.content.decode()
    assert not ReviewComment.objects.exists()


def test_malicious_markdown_is_sanitised(viewer_client, reviewed, viewer):
    services.add_comment(
        postmortem=reviewed,
        by=viewer,
        body="<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
    )
    page = viewer_client.get(reviewed.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page
    assert 'href="javascript' not in page
    assert "onerror" not in page


def test_replies_join_the_thread(viewer_client, reviewed, viewer, editor):
    thread = services.add_comment(postmortem=reviewed, by=viewer, body="Why?")
    reply = services.add_comment(postmortem=reviewed, by=editor, body="Because.", parent=thread)
    services.add_comment(postmortem=reviewed, by=viewer, body="Thanks.", parent=reply)
    assert list(thread.replies.values_list("body", flat=True)) == ["Because.", "Thanks."]


def test_you_can_edit_your_own_comment(viewer_client, reviewed, viewer):
    comment = services.add_comment(postmortem=reviewed, by=viewer, body="Tpyo")
    viewer_client.post(reverse("reviews:edit_comment", args=[comment.pk]), {"body": "Typo"})
    comment.refresh_from_db()
    assert comment.body == "Typo"


def test_you_cannot_edit_someone_elses_comment(editor_client, reviewed, viewer):
    comment = services.add_comment(postmortem=reviewed, by=viewer, body="Mine")
    response = editor_client.post(reverse("reviews:edit_comment", args=[comment.pk]), {"body": "Yours now"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_nobody_can_delete_a_comment_from_the_site(reviewed, viewer, editor_client):
    comment = services.add_comment(postmortem=reviewed, by=viewer, body="Keep me")
    page = editor_client.get(reviewed.get_absolute_url()).content.decode()
    assert f"/comments/{comment.pk}/delete" not in page
    assert editor_client.post(f"/postmortems/comments/{comment.pk}/delete/").status_code == 404


def test_resolving_and_reopening_a_thread(viewer_client, reviewed, viewer):
    thread = services.add_comment(postmortem=reviewed, by=viewer, body="Why?")
    url = reverse("reviews:resolve_thread", args=[thread.pk])
    viewer_client.post(url, {"action": "resolve"})
    thread.refresh_from_db()
    assert thread.resolved_by == viewer
    viewer_client.post(url, {"action": "reopen"})
    thread.refresh_from_db()
    assert thread.resolved_at is None


def test_two_people_resolving_at_once_both_get_an_answer_and_the_first_stands(reviewed, viewer, login):
    thread = services.add_comment(postmortem=reviewed, by=viewer, body="Why?")
    first, second = make_user("first", VIEWER), make_user("second", EDITOR)
    stale = ReviewComment.objects.get(pk=thread.pk)  # both loaded the page before either clicked
    url = reverse("reviews:resolve_thread", args=[stale.pk])
    login(first).post(url, {"action": "resolve"})
    response = login(second).post(url, {"action": "resolve"}, follow=True)
    assert response.status_code == 200
    assert "First had already resolved this thread." in response.content.decode()
    thread.refresh_from_db()
    assert thread.resolved_by == first


def test_open_comment_counts_on_the_postmortem_list(viewer_client, reviewed, viewer):
    services.add_comment(postmortem=reviewed, by=viewer, body="One")
    resolved = services.add_comment(postmortem=reviewed, by=viewer, body="Two")
    services.set_thread_resolved(thread=resolved, by=viewer, resolved=True)
    page = viewer_client.get(reverse("postmortems:list")).content.decode()
    assert "1 open</a>" in page


def test_the_editor_side_panel_lists_open_comments(editor_client, reviewed, viewer):
    services.add_comment(postmortem=reviewed, by=viewer, body="Source?", quote="set by hand in 2021")
    page = editor_client.get(reverse("postmortems:edit", args=[reviewed.pk])).content.decode()
    assert "Open comments (1)" in page
    assert 'data-jump-quote="set by hand in 2021"' in page


def test_comments_waiting_for_me_as_author_on_my_action_items(editor_client, reviewed, viewer):
    services.add_comment(postmortem=reviewed, by=viewer, body="Source for the pool size?")
    page = editor_client.get(reverse("actions:mine")).content.decode()
    assert "Review comments waiting for you" in page
    assert "Source for the pool size?" in page


def test_publishing_with_open_comments_asks_first(editor_client, reviewed, viewer, settings):
    settings.HINDSIGHT_POSTMORTEM_APPROVALS = 0
    services.add_comment(postmortem=reviewed, by=viewer, body="Not yet!")
    response = editor_client.post(reverse("postmortems:workflow", args=[reviewed.pk]), {"action": "publish"})
    assert "1 review comment thread is still open" in response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.status == "draft"


def test_publishing_with_open_comments_goes_ahead_once_confirmed(editor_client, reviewed, viewer, settings):
    settings.HINDSIGHT_POSTMORTEM_APPROVALS = 0
    services.add_comment(postmortem=reviewed, by=viewer, body="Not yet!")
    editor_client.post(
        reverse("postmortems:workflow", args=[reviewed.pk]),
        {"action": "publish", "confirm_open_comments": "on"},
    )
    reviewed.refresh_from_db()
    assert reviewed.status == "published"
