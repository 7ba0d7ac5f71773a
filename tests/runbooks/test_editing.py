"""Editing a runbook goes through the shared versioned-document mechanism: revisions, conflicts, diff, restore."""

import pytest
from django.urls import reverse

from runbooks.models import Runbook

from .test_pages import edit_data

pytestmark = pytest.mark.django_db


def test_each_save_is_a_revision_and_history_lists_them(editor_client, make_runbook):
    runbook = make_runbook(body="## Rollback\n\nStep one.\n")
    url = reverse("runbooks:edit", args=[runbook.slug])
    response = editor_client.post(url, edit_data(runbook, body="## Rollback\n\nStep one.\nStep two.\n"))
    assert response.status_code == 302
    runbook.refresh_from_db()
    assert runbook.version == 2
    history = editor_client.get(reverse("runbooks:history", args=[runbook.slug]))
    assert [r.number for r in history.context["revisions"]] == [2, 1]


def test_diff_shows_what_changed(viewer_client, make_runbook, editor):
    runbook = make_runbook(body="Restart pgbouncer.\n")
    runbook.body = "Raise max_client_conn, then restart pgbouncer.\n"
    runbook.save_revision(editor, expected_version=1)
    response = viewer_client.get(reverse("runbooks:revision_diff", args=[runbook.slug, 1]))
    rows = response.context["rows"]
    assert ("del", "Restart pgbouncer.") in rows
    assert ("add", "Raise max_client_conn, then restart pgbouncer.") in rows


def test_restore_brings_back_old_text_as_a_new_revision(editor_client, make_runbook, editor):
    runbook = make_runbook(body="Original steps.\n")
    runbook.body = "Broken steps.\n"
    runbook.save_revision(editor, expected_version=1)
    response = editor_client.post(reverse("runbooks:revision_restore", args=[runbook.slug, 1]))
    assert response.status_code == 302
    runbook.refresh_from_db()
    assert runbook.body == "Original steps.\n"
    assert runbook.version == 3
    assert runbook.revisions.get(number=3).note == "Restored revision 1"


def test_viewer_cannot_restore(viewer_client, make_runbook, editor):
    runbook = make_runbook(body="Original.\n")
    runbook.body = "Newer.\n"
    runbook.save_revision(editor, expected_version=1)
    assert viewer_client.post(reverse("runbooks:revision_restore", args=[runbook.slug, 1])).status_code == 403
    runbook.refresh_from_db()
    assert runbook.body == "Newer.\n"


def test_concurrent_edit_is_refused_with_both_versions_shown(editor_client, make_runbook, editor):
    runbook = make_runbook(body="Step one.\n")
    stale = edit_data(runbook, body="Step one.\nMy step two.\n")  # loaded at version 1
    runbook.body = "Step one.\nTheir step two.\n"
    runbook.save_revision(editor, expected_version=1)  # someone else saves first

    response = editor_client.post(reverse("runbooks:edit", args=[runbook.slug]), stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Their step two." in html
    assert "My step two." in html
    runbook.refresh_from_db()
    assert runbook.body == "Step one.\nTheir step two.\n"
    assert runbook.version == 2
    assert response.context["form"]["theirs_version"].value() == 2  # saving again merges on top of theirs

    merged = edit_data(runbook, body="Step one.\nTheir step two.\nMy step two.\n")
    assert editor_client.post(reverse("runbooks:edit", args=[runbook.slug]), merged).status_code == 302
    runbook.refresh_from_db()
    assert runbook.version == 3
    assert "My step two." in runbook.body


def test_editing_tags_replaces_them(editor_client, make_runbook):
    runbook = make_runbook()
    editor_client.post(
        reverse("runbooks:edit", args=[runbook.slug]), edit_data(runbook, tag_names="tls, edge")
    )
    assert sorted(Runbook.objects.get().tags.values_list("name", flat=True)) == ["edge", "tls"]
    editor_client.post(
        reverse("runbooks:edit", args=[runbook.slug]), edit_data(Runbook.objects.get(), tag_names="tls")
    )
    assert list(Runbook.objects.get().tags.values_list("name", flat=True)) == ["tls"]


def test_concurrent_edits_to_different_lines_are_merged(editor_client, make_runbook, editor):
    runbook = make_runbook(body="## Overview\nOld overview.\n\n## Escalation\nPage the on-call.\n")
    stale = edit_data(runbook, body=runbook.body.replace("Page the on-call.", "Page payments on-call."))
    runbook.body = runbook.body.replace("Old overview.", "New overview.")
    runbook.save_revision(editor, expected_version=1)

    response = editor_client.post(reverse("runbooks:edit", args=[runbook.slug]), stale)
    assert response.status_code == 302
    runbook.refresh_from_db()
    assert runbook.body == "## Overview\nNew overview.\n\n## Escalation\nPage payments on-call.\n"
