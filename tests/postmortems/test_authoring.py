"""Writing a postmortem: started from the incident, edited safely, reviewed, published, exported."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import TimelineEntry
from postmortems.models import ActionItem, Postmortem

pytestmark = pytest.mark.django_db


def edit_data(postmortem, body, items=(), **extra):
    data = {
        "title": postmortem.title,
        "body": body,
        "loaded_version": postmortem.version,
        "items-TOTAL_FORMS": len(items),
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    for index, item in enumerate(items):
        row = {
            "kind": "prevent",
            "priority": 3,
            "status": "open",
            "owner": "",
            "due_date": "",
            "wont_do_reason": "",
        }
        row.update(item)
        data.update({f"items-{index}-{key}": value for key, value in row.items()})
    data.update(extra)
    return data


def test_incident_page_offers_start_postmortem_to_editors_only(
    client, editor, viewer, make_incident, service
):
    incident = make_incident(services=[service])
    client.force_login(editor)
    assert "Start postmortem" in client.get(incident.get_absolute_url()).content.decode()
    client.force_login(viewer)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "No postmortem yet" in page
    assert "Start postmortem" not in page
    assert client.post(reverse("postmortems:start", args=[incident.pk])).status_code == 403
    assert not Postmortem.objects.exists()


def test_starting_prefills_sections_and_timeline_in_the_users_time_zone(
    editor_client, editor, make_incident, service
):
    started = timezone.now().replace(second=0, microsecond=0) - timedelta(days=3)
    incident = make_incident(
        services=[service],
        started_at=started,
        detected_at=started + timedelta(minutes=5),
        acknowledged_at=started + timedelta(minutes=12),
        mitigated_at=started + timedelta(minutes=40),
        resolved_at=started + timedelta(minutes=90),
    )
    TimelineEntry.objects.create(
        incident=incident,
        occurred_at=started + timedelta(minutes=20),
        kind="action",
        text="Rolled back payments-gateway",
    )
    editor_client.cookies["hindsight_tz"] = "Asia/Tokyo"

    response = editor_client.post(reverse("postmortems:start", args=[incident.pk]))

    postmortem = incident.postmortem
    assert response["Location"] == reverse("postmortems:edit", args=[postmortem.pk])
    for heading in [
        "Summary",
        "Impact",
        "Timeline",
        "Contributing factors",
        "What went well",
        "What went badly",
        "Where we got lucky",
        "Action items",
    ]:
        assert f"## {heading}\n" in postmortem.body
    tokyo = ZoneInfo("Asia/Tokyo")
    rollback_time = (started + timedelta(minutes=20)).astimezone(tokyo).strftime("%Y-%m-%d %H:%M")
    assert f"- {rollback_time} — Action: Rolled back payments-gateway" in postmortem.body
    assert f"- {started.astimezone(tokyo):%Y-%m-%d %H:%M} — **Started**" in postmortem.body
    timeline = postmortem.body.split("## Timeline")[1]
    assert timeline.index("**Detected**") < timeline.index("Rolled back") < timeline.index("**Mitigated**")
    assert postmortem.version == 1
    assert postmortem.revisions.count() == 1
    assert list(postmortem.authors.all()) == [editor]
    # Starting again opens the same one.
    again = editor_client.post(reverse("postmortems:start", args=[incident.pk]))
    assert again["Location"] == reverse("postmortems:edit", args=[postmortem.pk])
    assert Postmortem.objects.count() == 1


def test_incident_panel_links_to_existing_postmortem(viewer_client, postmortem):
    page = viewer_client.get(postmortem.incident.get_absolute_url()).content.decode()
    assert postmortem.get_absolute_url() in page
    assert "Start postmortem" not in page


def test_editor_page_has_live_preview_and_saves_a_revision_with_inline_action_items(
    editor_client, editor, postmortem
):
    page = editor_client.get(reverse("postmortems:edit", args=[postmortem.pk])).content.decode()
    assert 'class="markdownx-preview"' in page
    assert "markdownx/js/markdownx" in page

    response = editor_client.post(
        reverse("postmortems:edit", args=[postmortem.pk]),
        edit_data(postmortem, "## Summary\n\nPool too small.", items=[{"title": "Alert on pool saturation"}]),
    )

    assert response.status_code == 302
    postmortem.refresh_from_db()
    assert postmortem.version == 2
    assert postmortem.body == "## Summary\n\nPool too small."
    latest = postmortem.revisions.first()
    assert (latest.number, latest.author) == (2, editor)
    item = postmortem.action_items.get()
    assert item.title == "Alert on pool saturation"
    assert item.owner is None
    assert item.created_by == editor


def test_editor_names_action_item_owners_from_one_list_of_people(editor_client, editor, postmortem):
    ActionItem.objects.create(postmortem=postmortem, title="Owned already", owner=editor)
    page = editor_client.get(reverse("postmortems:edit", args=[postmortem.pk])).content.decode()
    assert page.count('<datalist id="owner-options">') == 1
    assert page.count('<option value="eddie">Eddie</option>') == 1
    assert 'name="items-0-owner" value="eddie" list="owner-options"' in page

    refused = editor_client.post(
        reverse("postmortems:edit", args=[postmortem.pk]),
        edit_data(postmortem, "Kept", items=[{"title": "Add a canary", "owner": "nobody-here"}]),
    )
    assert refused.status_code == 400
    assert "Nobody called “nobody-here” can own items here" in refused.content.decode()
    assert postmortem.action_items.count() == 1

    saved = editor_client.post(
        reverse("postmortems:edit", args=[postmortem.pk]),
        edit_data(postmortem, "Kept", items=[{"title": "Add a canary", "owner": "eddie"}]),
    )
    assert saved.status_code == 302
    assert postmortem.action_items.get(title="Add a canary").owner == editor


def test_invalid_action_item_row_keeps_everything_typed(editor_client, postmortem):
    response = editor_client.post(
        reverse("postmortems:edit", args=[postmortem.pk]),
        edit_data(postmortem, "My new text", items=[{"title": "Retire it", "status": "wont_do"}]),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say why this won" in page
    assert "My new text" in page
    assert "Retire it" in page
    postmortem.refresh_from_db()
    assert postmortem.version == 1
    assert not ActionItem.objects.exists()


def test_second_save_from_the_same_version_gets_the_conflict_page_and_keeps_its_text(
    client, editor, make_postmortem
):
    postmortem = make_postmortem(body="## Summary\n\nOriginal.")
    client.force_login(editor)
    url = reverse("postmortems:edit", args=[postmortem.pk])
    first_form = client.get(url).content.decode()
    second_form = client.get(url).content.decode()
    assert 'name="loaded_version" value="1"' in first_form
    assert 'name="loaded_version" value="1"' in second_form

    client.post(url, edit_data(postmortem, "## Summary\n\nAlice's account."))
    response = client.post(url, edit_data(postmortem, "## Summary\n\nBob's account."))

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this postmortem" in page
    assert "Alice&#x27;s account." in page
    assert "Bob&#x27;s account." in page
    assert 'name="theirs_version" value="2"' in page  # resubmitting merges on top of theirs
    postmortem.refresh_from_db()
    assert postmortem.body == "## Summary\n\nAlice's account."
    assert postmortem.version == 2

    merged = client.post(url, edit_data(postmortem, "## Summary\n\nAlice's and Bob's accounts."))
    assert merged.status_code == 302
    postmortem.refresh_from_db()
    assert postmortem.version == 3
    assert "Bob's accounts" in postmortem.body


def test_conflict_keeps_new_action_items_in_the_merge_form(editor_client, postmortem):
    url = reverse("postmortems:edit", args=[postmortem.pk])
    editor_client.post(url, edit_data(postmortem, "Theirs"))
    response = editor_client.post(url, edit_data(postmortem, "Mine", items=[{"title": "Add a canary stage"}]))
    assert response.status_code == 409
    assert 'value="Add a canary stage"' in response.content.decode()
    assert not ActionItem.objects.exists()


def test_restoring_a_revision_adds_a_new_one(editor_client, editor, make_postmortem):
    postmortem = make_postmortem(body="First text")
    postmortem.body = "Second text"
    postmortem.save_revision(editor)
    history = editor_client.get(reverse("postmortems:history", args=[postmortem.pk])).content.decode()
    assert "Restore" in history
    diff = editor_client.get(reverse("postmortems:revision_diff", args=[postmortem.pk, 1])).content.decode()
    assert "First text" in diff
    assert "Second text" in diff

    editor_client.post(reverse("postmortems:revision_restore", args=[postmortem.pk, 1]))

    postmortem.refresh_from_db()
    assert postmortem.body == "First text"
    assert postmortem.version == 3
    assert list(postmortem.revisions.values_list("number", flat=True)) == [3, 2, 1]


def test_saving_blaming_language_warns_but_saves(editor_client, postmortem):
    response = editor_client.post(
        reverse("postmortems:edit", args=[postmortem.pk]),
        edit_data(postmortem, "The outage was human error: Dave forgot to renew it."),
        follow=True,
    )
    page = response.content.decode()
    assert "Blameless check: 2 phrases" in page
    assert "“human error”" in page
    assert "“forgot to”" in page
    postmortem.refresh_from_db()
    assert postmortem.version == 2


def test_check_language_button_shows_suggestions_without_saving(editor_client, postmortem):
    response = editor_client.post(
        reverse("postmortems:edit", args=[postmortem.pk]),
        edit_data(postmortem, "A careless push.", check_language="1"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "“careless”" in page
    assert "which check or confirmation" in page
    postmortem.refresh_from_db()
    assert postmortem.version == 1


def test_preview_check_endpoint_returns_findings(editor_client):
    response = editor_client.post(reverse("postmortems:check_language"), {"body": "It was the fault of ops."})
    assert response.json()["count"] == 1
    assert "fault of" in response.json()["html"]
    clean = editor_client.post(
        reverse("postmortems:check_language"), {"body": "The pipeline lacked a check."}
    )
    assert clean.json()["count"] == 0


def test_review_publish_and_reopen_workflow(editor_client, editor, postmortem, settings):
    settings.HINDSIGHT_POSTMORTEM_APPROVALS = 0  # approvals: tests/reviews/test_approvals.py
    workflow = reverse("postmortems:workflow", args=[postmortem.pk])
    editor_client.post(workflow, {"action": "review"})
    postmortem.refresh_from_db()
    assert postmortem.status == "in_review"

    editor_client.post(workflow, {"action": "publish"})
    page = editor_client.get(postmortem.get_absolute_url()).content.decode()
    assert "Published" in page
    assert "by Eddie" in page
    assert "Reopen for editing" in page

    edit = editor_client.get(reverse("postmortems:edit", args=[postmortem.pk]), follow=True)
    assert "published and read-only" in edit.content.decode()
    refused = editor_client.post(
        reverse("postmortems:edit", args=[postmortem.pk]), edit_data(postmortem, "Sneaky")
    )
    assert refused.status_code == 302
    postmortem.refresh_from_db()
    assert postmortem.body != "Sneaky"
    assert postmortem.is_locked

    editor_client.post(workflow, {"action": "reopen"})
    postmortem.refresh_from_db()
    assert postmortem.status == "draft"
    assert not postmortem.is_locked


def test_publishing_runs_the_blameless_check_and_warns_without_blocking(
    editor_client, make_postmortem, settings
):
    settings.HINDSIGHT_POSTMORTEM_APPROVALS = 0
    postmortem = make_postmortem(body="## Summary\n\nA tired admin deleted the wrong directory.\n")
    workflow = reverse("postmortems:workflow", args=[postmortem.pk])
    response = editor_client.post(workflow, {"action": "publish"}, follow=True)
    postmortem.refresh_from_db()
    assert postmortem.status == "published"
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert any("Published anyway" in text and "deleted the wrong" in text for text in warnings)


def test_published_postmortem_shows_its_blameless_findings(viewer_client, make_postmortem, editor):
    postmortem = make_postmortem(body="## Summary\n\nAn engineer made a typo in the proxy config.\n")
    postmortem.publish(editor)
    page = viewer_client.get(postmortem.get_absolute_url()).content.decode()
    assert "made a typo" in page
    assert "reopen it to change the wording" in page


def test_viewer_cannot_edit_or_publish(viewer_client, postmortem):
    assert viewer_client.get(reverse("postmortems:edit", args=[postmortem.pk])).status_code == 403
    workflow = reverse("postmortems:workflow", args=[postmortem.pk])
    assert viewer_client.post(workflow, {"action": "publish"}).status_code == 403
    assert viewer_client.get(postmortem.get_absolute_url()).status_code == 200


def test_markdown_export_downloads_the_document_with_action_items(viewer_client, postmortem, editor):
    ActionItem.objects.create(postmortem=postmortem, title="Add pool | size check", owner=editor)
    response = viewer_client.get(reverse("postmortems:export", args=[postmortem.pk]))
    assert response["Content-Type"].startswith("text/markdown")
    assert f'filename="postmortem-{postmortem.incident.reference}.md"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith(f"# {postmortem.title}\n")
    assert "The checkout pool was too small." in text
    assert "| Add pool \\| size check | Prevent | P3 – normal | Eddie |" in text


def test_postmortem_list_marks_overdue(viewer_client, make_incident, make_postmortem):
    resolved = timezone.now() - timedelta(days=5)
    late = make_postmortem(
        make_incident(
            started_at=resolved - timedelta(hours=1),
            detected_at=resolved,
            acknowledged_at=resolved,
            mitigated_at=resolved,
            resolved_at=resolved,
        )
    )
    make_postmortem(
        make_incident(
            title="Resolved an hour ago",
            started_at=timezone.now() - timedelta(hours=2),
            detected_at=None,
            acknowledged_at=None,
            mitigated_at=None,
            resolved_at=timezone.now() - timedelta(hours=1),
        )
    )
    for flag in ("on", "true"):  # the checkbox, and the link from Home
        page = viewer_client.get(reverse("postmortems:list") + f"?overdue={flag}").content.decode()
        assert late.title in page
        assert "Overdue" in page
        assert "Resolved an hour ago" not in page
        assert "1 postmortem" in page


def test_print_view_has_print_styles_and_hides_controls(viewer_client, postmortem):
    page = viewer_client.get(postmortem.get_absolute_url()).content.decode()
    assert 'media="print"' in page
    assert "data-print" in page
    assert "js/postmortems.js" in page


def test_incident_panel_shows_an_overdue_postmortem(viewer_client, make_incident, make_postmortem):
    resolved = timezone.now() - timedelta(days=4)
    incident = make_incident(
        started_at=resolved - timedelta(hours=1),
        detected_at=resolved,
        acknowledged_at=resolved,
        mitigated_at=resolved,
        resolved_at=resolved,
    )
    make_postmortem(incident)
    page = viewer_client.get(incident.get_absolute_url()).content.decode()
    panel = page[page.index('id="postmortem-panel-heading"') :]
    assert "Overdue" in panel[:1500]


def test_admin_lists_postmortems_and_action_items(admin_client, postmortem):
    ActionItem.objects.create(postmortem=postmortem, title="Pool alert")
    for url in [
        "/admin/postmortems/postmortem/",
        "/admin/postmortems/actionitem/?q=pool",
        f"/admin/postmortems/postmortem/{postmortem.pk}/change/",
    ]:
        assert admin_client.get(url).status_code == 200


def test_postmortem_list_runs_a_fixed_number_of_queries(
    viewer_client, make_incident, make_postmortem, editor
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert viewer_client.get(reverse("postmortems:list")).status_code == 200
        return len(captured)

    for _ in range(3):
        make_postmortem(created_by=editor).publish(editor)
    small = count()
    for _ in range(30):
        make_postmortem(created_by=editor).publish(editor)
    assert count() == small


def test_language_check_flags_a_colleague_named_as_the_cause(editor_client, editor):
    named = editor_client.post(
        reverse("postmortems:check_language"),
        {"body": "The outage happened because Eddie merged the change."},
    )
    assert named.json()["count"] == 1
    assert "person named as the cause" in named.json()["html"]
    acting = editor_client.post(
        reverse("postmortems:check_language"), {"body": "Eddie rolled back within minutes."}
    )
    assert acting.json()["count"] == 0


def test_a_workflow_step_that_does_not_apply_is_explained(editor_client, editor, postmortem):
    postmortem.publish(editor)
    response = editor_client.post(
        reverse("postmortems:workflow", args=[postmortem.pk]), {"action": "review"}, follow=True
    )
    assert "Can&#x27;t send for review: the postmortem is published." in response.content.decode()
    postmortem.refresh_from_db()
    assert postmortem.status == "published"
