"""Runbook pages through the real stack: library, page, editing, history, review and incident usage."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Service
from runbooks.models import Runbook, RunbookUsage, Tag
from runbooks.outline import NEW_RUNBOOK_BODY

pytestmark = pytest.mark.django_db


def edit_data(runbook, **overrides):
    data = {
        "title": runbook.title,
        "slug": runbook.slug,
        "owner_team": runbook.owner_team,
        "review_interval_days": runbook.review_interval_days,
        "body": runbook.body,
        "loaded_version": runbook.version,
        "tag_names": ", ".join(t.name for t in runbook.tags.all()),
        "services": [s.pk for s in runbook.services.all()],
    }
    data.update(overrides)
    return data


# --- creating from the template ------------------------------------------------------------------------------------
def test_new_runbook_starts_from_the_outline(editor_client):
    response = editor_client.get(reverse("runbooks:create"))
    assert response.status_code == 200
    body = response.context["form"]["body"].value()
    assert body == NEW_RUNBOOK_BODY
    for section in (
        "## Service overview",
        "**Purpose:**",
        "**Dependencies:**",
        "**Impact when it fails:**",
        "## Key metrics and dashboards",
        "## Common issues",
        "**Diagnosis:**",
        "**Resolution:**",
        "## Emergency procedures",
        "### Rollback",
        "### Scale",
        "### Fail over",
        "## Escalation",
    ):
        assert section in body


def test_creating_a_runbook_saves_revision_one_with_slug_and_tags(editor_client, editor, service):
    response = editor_client.post(
        reverse("runbooks:create"),
        {
            "title": "Orders DB connection exhaustion",
            "slug": "",
            "services": [service.pk],
            "owner_team": "Data Platform",
            "tag_names": "Postgres, pgbouncer, postgres",
            "review_interval_days": 60,
            "body": NEW_RUNBOOK_BODY,
            "loaded_version": 0,
        },
    )
    runbook = Runbook.objects.get()
    assert response.status_code == 302
    assert response.url == runbook.get_absolute_url()
    assert runbook.slug == "orders-db-connection-exhaustion"
    assert sorted(runbook.tags.values_list("name", flat=True)) == ["pgbouncer", "postgres"]
    assert runbook.version == 1
    assert runbook.revisions.get().author == editor


def test_bad_input_is_shown_beside_the_field_and_kept(editor_client):
    response = editor_client.post(
        reverse("runbooks:create"),
        {
            "title": "",
            "slug": "new",
            "tag_names": "ok, !!!",
            "review_interval_days": 0,
            "body": "Keep me",
            "loaded_version": 0,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"title", "slug", "tag_names", "review_interval_days"}
    assert "Keep me" in response.content.decode()
    assert not Runbook.objects.exists()


def test_viewer_cannot_create_or_edit(viewer_client, make_runbook):
    runbook = make_runbook()
    assert viewer_client.get(reverse("runbooks:create")).status_code == 403
    response = viewer_client.post(
        reverse("runbooks:edit", args=[runbook.slug]), edit_data(runbook, body="hacked")
    )
    assert response.status_code == 403
    assert viewer_client.post(reverse("runbooks:mark_reviewed", args=[runbook.slug])).status_code == 403
    runbook.refresh_from_db()
    assert runbook.body != "hacked"
    assert runbook.last_reviewed_at is None


# --- the runbook page -------------------------------------------------------------------------------------------
def test_runbook_page_renders_sanitised_markdown_with_contents(viewer_client, make_runbook):
    runbook = make_runbook(
        body="## Service overview\n\nHi <script>alert(1)</script>\n\n## Escalation\n\n"
        "```sh\nkubectl rollout undo deploy/checkout\n```\n"
    )
    html = viewer_client.get(runbook.get_absolute_url()).content.decode()
    assert '<a href="#service-overview">Service overview</a>' in html
    assert '<a href="#escalation">Escalation</a>' in html
    assert 'id="service-overview"' in html
    assert "<script>alert(1)" not in html
    assert "kubectl rollout undo deploy/checkout" in html
    assert "js/runbooks.js" in html  # the copy buttons


def test_runbook_page_lists_incidents_that_used_it(viewer_client, make_runbook, make_incident):
    runbook = make_runbook()
    incident = make_incident(title="Pool exhausted at peak")
    RunbookUsage.objects.create(
        incident=incident, runbook=runbook, outcome="partly", note="Step 3 was outdated"
    )
    html = viewer_client.get(runbook.get_absolute_url()).content.decode()
    assert "Pool exhausted at peak" in html
    assert "Partly helped" in html
    assert "Step 3 was outdated" in html


def test_runbook_page_query_count_does_not_grow(
    viewer_client, make_runbook, make_incident, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    runbook = make_runbook(
        services=[Service.objects.create(name="a", team="t")], tags=[Tag.objects.create(name="x")]
    )

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert viewer_client.get(runbook.get_absolute_url()).status_code == 200
        return len(captured)

    RunbookUsage.objects.create(incident=make_incident(), runbook=runbook, outcome="helped")
    few = count()
    for _ in range(15):
        RunbookUsage.objects.create(incident=make_incident(), runbook=runbook, outcome="didnt_help")
    runbook.services.add(*[Service.objects.create(name=f"s{n}", team="t") for n in range(5)])
    assert count() == few


def test_mark_reviewed_records_who_and_when_and_clears_due(editor_client, editor, make_runbook):
    runbook = make_runbook()
    assert Runbook.objects.due_for_review().filter(pk=runbook.pk).exists()
    response = editor_client.post(reverse("runbooks:mark_reviewed", args=[runbook.slug]), follow=True)
    assert "Marked reviewed" in response.content.decode()
    runbook.refresh_from_db()
    assert runbook.last_reviewed_by == editor
    assert timezone.now() - runbook.last_reviewed_at < timedelta(minutes=1)
    assert not Runbook.objects.due_for_review().filter(pk=runbook.pk).exists()


# --- library ----------------------------------------------------------------------------------------------------
def library(client, **params):
    response = client.get(reverse("runbooks:list"), params)
    assert response.status_code == 200
    return [r.title for r in response.context["object_list"]]


def test_library_filters_by_service_tag_team_and_due(viewer_client, make_runbook):
    edge = Service.objects.create(name="edge-proxy", team="Platform")
    tls = Tag.objects.create(name="tls")
    make_runbook(title="Certificate renewal", services=[edge], tags=[tls], owner_team="Platform")
    fresh = make_runbook(title="Bad deploy rollback", owner_team="Payments")
    fresh.mark_reviewed(None)
    assert library(viewer_client, service=edge.pk) == ["Certificate renewal"]
    assert library(viewer_client, tag="tls") == ["Certificate renewal"]
    assert library(viewer_client, team="Payments") == ["Bad deploy rollback"]
    assert library(viewer_client, due="on") == ["Certificate renewal"]
    assert library(viewer_client, q="certif*") == ["Certificate renewal"]


def test_library_sorts_by_title_or_last_review(viewer_client, make_runbook):
    old, new = make_runbook(title="A old"), make_runbook(title="B new")
    never = make_runbook(title="C never")
    Runbook.objects.filter(pk=old.pk).update(last_reviewed_at=timezone.now() - timedelta(days=50))
    Runbook.objects.filter(pk=new.pk).update(last_reviewed_at=timezone.now() - timedelta(days=5))
    assert library(viewer_client) == ["A old", "B new", "C never"]
    assert library(viewer_client, sort="reviewed") == [never.title, "A old", "B new"]
    assert library(viewer_client, sort="-reviewed") == ["B new", "A old", never.title]
    assert library(viewer_client, sort="-title") == ["C never", "B new", "A old"]


def test_library_shows_needs_update_and_due_badges(viewer_client, make_runbook, make_incident):
    runbook = make_runbook(title="Queue backlog")
    runbook.mark_reviewed(None)
    RunbookUsage.objects.create(incident=make_incident(), runbook=runbook, outcome="didnt_help")
    make_runbook(title="Never reviewed")
    html = viewer_client.get(reverse("runbooks:list")).content.decode()
    assert "Needs update" in html
    assert "Due for review" in html
    assert library(viewer_client, needs_update="on") == ["Queue backlog"]


def test_library_query_count_does_not_grow(viewer_client, make_runbook):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as captured:
            library(viewer_client)
        return len(captured)

    tag = Tag.objects.create(name="db")
    make_runbook(tags=[tag])
    few = count()
    for _ in range(30):
        make_runbook(tags=[tag], services=[Service.objects.create(name=f"svc{_}", team=f"team{_}")])
    assert count() == few


def test_library_title_sort_ignores_case(viewer_client, make_runbook):
    for title in ("ARPANET routing", "Allegro checkout", "backups"):
        make_runbook(title=title)
    assert library(viewer_client) == ["Allegro checkout", "ARPANET routing", "backups"]
    assert library(viewer_client, sort="-title") == ["backups", "ARPANET routing", "Allegro checkout"]


def test_team_choices_ignore_case(viewer_client, make_runbook):
    for team in ("Platform", "apps", "Billing"):
        make_runbook(title=f"{team} runbook", owner_team=team)
    form = viewer_client.get(reverse("runbooks:list")).context["filter"].form
    assert [label for value, label in form.fields["team"].choices if value] == ["apps", "Billing", "Platform"]
