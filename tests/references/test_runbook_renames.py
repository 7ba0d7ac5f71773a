"""Renaming a runbook keeps the references written to its old title and slug working."""

import pytest
from django.urls import reverse

from documents.markdown import render_markdown
from tests.runbooks.test_pages import edit_data

pytestmark = pytest.mark.django_db


def rename(runbook, title, slug=None):
    runbook.title = title
    runbook.slug = slug or runbook.slug
    runbook.save_revision(None)


def test_old_title_still_links_after_a_rename(make_runbook):
    runbook = make_runbook("Database failover")
    rename(runbook, "Primary database failover")
    assert f'href="{runbook.get_absolute_url()}"' in render_markdown("Use [[Database failover]].")


def test_old_slug_still_links_after_a_rename(make_runbook):
    runbook = make_runbook("Database failover")
    rename(runbook, "Primary database failover", slug="primary-database-failover")
    assert f'href="{runbook.get_absolute_url()}"' in render_markdown("Use runbook:database-failover.")


def test_the_link_shows_the_new_title(make_runbook):
    runbook = make_runbook("Database failover")
    rename(runbook, "Primary database failover")
    assert 'title="Primary database failover"' in render_markdown("Use [[Database failover]].")


def test_a_new_runbook_with_an_old_title_wins_over_the_renamed_one(make_runbook):
    renamed = make_runbook("Database failover")
    rename(renamed, "Primary database failover")
    newer = make_runbook("Database failover")
    assert f'href="{newer.get_absolute_url()}"' in render_markdown("Use [[Database failover]].")


def test_a_postmortem_written_before_the_rename_still_shows_on_the_runbook(
    viewer_client, make_incident, make_runbook, write_postmortem
):
    runbook = make_runbook("Database failover")
    write_postmortem(make_incident(), "We used [[Database failover]].", title="Before the rename")
    rename(runbook, "Primary database failover", slug="primary-database-failover")
    page = viewer_client.get(runbook.get_absolute_url())
    assert [m.title for m in page.context["mentions"]] == ["Before the rename"]


def test_titles_match_whatever_the_case(make_runbook):
    runbook = make_runbook("Database failover")
    assert f'href="{runbook.get_absolute_url()}"' in render_markdown("Use [[database FAILOVER]].")


def test_a_link_saved_with_the_old_slug_redirects_to_the_runbook(viewer_client, make_runbook):
    runbook = make_runbook("Database failover")
    rename(runbook, "Primary database failover", slug="primary-database-failover")
    response = viewer_client.get("/runbooks/database-failover/")
    assert response["Location"] == runbook.get_absolute_url()


def test_an_unknown_slug_is_still_not_found(viewer_client, db):
    assert viewer_client.get("/runbooks/never-existed/").status_code == 404


def test_renaming_in_the_editor_keeps_old_references_working(editor_client, make_runbook):
    runbook = make_runbook("Database failover")
    data = edit_data(runbook, title="Primary database failover", slug="primary-database-failover")
    editor_client.post(reverse("runbooks:edit", args=[runbook.slug]), data)
    runbook.refresh_from_db()
    assert f'href="{runbook.get_absolute_url()}"' in render_markdown("Use [[Database failover]].")


def test_saving_a_runbook_warns_about_a_missing_runbook(editor_client, make_runbook):
    runbook = make_runbook("Database failover")
    data = edit_data(runbook, body="Then follow [[Cache warmup]].")
    response = editor_client.post(reverse("runbooks:edit", args=[runbook.slug]), data, follow=True)
    assert "[[Cache warmup]] does not exist." in [str(m) for m in response.context["messages"]]
