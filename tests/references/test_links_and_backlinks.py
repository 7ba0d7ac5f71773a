"""References in Markdown become links both ways: the text links to the thing, the thing lists the text."""

import pytest
from django.urls import reverse

from documents.markdown import find_references, render_markdown
from references.models import Reference

pytestmark = pytest.mark.django_db


def test_postmortem_links_the_incident_and_runbook_it_mentions(make_incident, make_runbook, write_postmortem):
    earlier = make_incident(title="Payments queue stuck", severity=2)
    runbook = make_runbook("Database failover")
    postmortem = write_postmortem(
        make_incident(), f"Same as INC-{earlier.pk}. We followed [[Database failover]] to recover."
    )
    assert f'href="{earlier.get_absolute_url()}"' in postmortem.rendered_body
    assert f'href="{runbook.get_absolute_url()}"' in postmortem.rendered_body


def test_incident_link_title_names_reference_severity_and_title(make_incident):
    earlier = make_incident(title="Payments queue stuck", severity=2)
    html = render_markdown(f"See INC-{earlier.pk}.")
    assert f'title="INC-{earlier.pk} · SEV-2 · Payments queue stuck"' in html


def test_incident_page_lists_the_postmortem_under_mentioned_in(
    viewer_client, make_incident, make_runbook, write_postmortem
):
    earlier = make_incident(title="Payments queue stuck")
    write_postmortem(make_incident(), f"Intro.\n\nThis looked like INC-{earlier.pk} at first. Then not.")
    page = viewer_client.get(earlier.get_absolute_url())
    assert page.context["mentions"][0].title == "Checkout outage review"


def test_mentioned_in_shows_the_sentence_around_the_mention(viewer_client, make_incident, write_postmortem):
    earlier = make_incident(title="Payments queue stuck")
    write_postmortem(make_incident(), f"Intro.\n\nThis looked like INC-{earlier.pk} at first. Then not.")
    page = viewer_client.get(earlier.get_absolute_url())
    assert f"This looked like INC-{earlier.pk} at first." in page.content.decode()


def test_runbook_page_lists_the_postmortem_under_mentioned_in(
    viewer_client, make_incident, make_runbook, write_postmortem
):
    runbook = make_runbook("Database failover")
    postmortem = write_postmortem(make_incident(), "We used runbook:database-failover to fail over.")
    page = viewer_client.get(runbook.get_absolute_url())
    assert page.context["mentions"][0].url == postmortem.get_absolute_url()


def test_mentioned_in_links_to_the_mentioning_document(
    viewer_client, make_incident, make_runbook, write_postmortem
):
    runbook = make_runbook("Database failover")
    postmortem = write_postmortem(make_incident(), "We used [[database failover]] to fail over.")
    page = viewer_client.get(runbook.get_absolute_url())
    assert f'href="{postmortem.get_absolute_url()}"' in page.content.decode()


def test_mentioned_in_lists_newest_first(viewer_client, make_incident, write_postmortem):
    target = make_incident()
    write_postmortem(make_incident(), f"First INC-{target.pk}.", title="Older")
    write_postmortem(make_incident(), f"Second INC-{target.pk}.", title="Newer")
    page = viewer_client.get(target.get_absolute_url())
    assert [m.title for m in page.context["mentions"]] == ["Newer", "Older"]


def test_postmortem_page_lists_mentions_of_its_incident_but_not_itself(
    viewer_client, make_incident, write_postmortem
):
    incident = make_incident()
    own = write_postmortem(incident, f"About INC-{incident.pk}.", title="Own")
    write_postmortem(make_incident(), f"Like INC-{incident.pk}.", title="Other")
    page = viewer_client.get(own.get_absolute_url())
    assert [m.title for m in page.context["mentions"]] == ["Other"]


def test_removing_a_mention_removes_the_backlink(make_incident, write_postmortem, editor):
    target = make_incident()
    postmortem = write_postmortem(make_incident(), f"Like INC-{target.pk}.")
    postmortem.body = "No longer mentioned."
    postmortem.save_revision(editor)
    assert not Reference.objects.filter(target_incident=target).exists()


def test_timeline_entry_and_incident_summary_mentions_are_recorded(make_incident):
    target = make_incident()
    other = make_incident(summary=f"Follow-up of INC-{target.pk}.")
    other.timeline.create(text=f"Paged the owner of INC-{target.pk}.")
    assert Reference.objects.filter(target_incident=target).count() == 2


def test_a_mention_in_a_code_span_stays_text(make_incident):
    target = make_incident()
    html = render_markdown(f"Run `grep INC-{target.pk}` to find it.")
    assert "<a" not in html


def test_a_mention_in_a_code_block_stays_text(make_incident, make_runbook):
    target = make_incident()
    make_runbook("Database failover")
    html = render_markdown(f"```\nINC-{target.pk} [[Database failover]]\n```\n\n    INC-{target.pk}\n")
    assert "<a" not in html


def test_a_mention_in_code_records_no_backlink(make_incident, write_postmortem):
    target = make_incident()
    write_postmortem(make_incident(), f"```\nINC-{target.pk}\n```")
    assert not Reference.objects.filter(target_incident=target).exists()


def test_a_mention_inside_a_link_is_left_alone(make_incident):
    target = make_incident()
    html = render_markdown(f"[INC-{target.pk} in the tracker](https://tracker.example/INC-{target.pk})")
    assert html.count("<a") == 1


def test_a_missing_incident_renders_as_text():
    assert render_markdown("Like INC-99999.") == "<p>Like INC-99999.</p>\n"


def test_the_preview_warns_about_a_missing_incident(editor_client):
    response = editor_client.post(reverse("markdownx_markdownify"), {"content": "Like INC-99999."})
    assert "INC-99999 does not exist" in response.content.decode()


def test_saving_a_postmortem_warns_about_a_missing_incident(editor_client, make_incident, write_postmortem):
    postmortem = write_postmortem(make_incident(), "Draft.")
    response = editor_client.post(
        reverse("postmortems:edit", args=[postmortem.pk]),
        {
            "title": postmortem.title,
            "body": "Like INC-99999.",
            "loaded_version": postmortem.version,
            "items-TOTAL_FORMS": 0,
            "items-INITIAL_FORMS": 0,
        },
        follow=True,
    )
    assert "INC-99999 does not exist" in [str(m) for m in response.context["messages"]][-1]


def test_at_username_links_to_their_action_items(editor):
    html = render_markdown(f"Asked @{editor.username} to check.")
    assert f'href="{reverse("actions:list")}?owner={editor.pk}"' in html


def test_at_username_of_nobody_stays_text(db):
    assert "<a" not in render_markdown("Asked @nobody-here to check.")


def test_an_email_address_is_not_a_mention(editor):
    assert "<a" not in render_markdown(f"Mail {editor.username}@{editor.username}.example.")


def test_reference_links_survive_sanitising(make_incident):
    target = make_incident()
    html = render_markdown(f"INC-{target.pk}")
    assert 'class="xref xref--incident"' in html


def test_the_first_mention_gives_the_sentence(make_incident, write_postmortem):
    target = make_incident()
    write_postmortem(make_incident(), f"First INC-{target.pk} here.\n\nThen INC-{target.pk} again.")
    assert Reference.objects.get(target_incident=target).sentence == f"First INC-{target.pk} here."


def test_each_mention_gets_its_own_sentence(make_incident):
    target = make_incident()
    text = f"First INC-{target.pk} here. Then INC-{target.pk} again."
    assert [m.sentence for m in find_references(text)][1] == f"Then INC-{target.pk} again."


# --- Restricted incidents ---------------------------------------------------------------------------------------
SECRET = "wombatfizz"


@pytest.fixture
def restricted(make_incident):
    return make_incident(title=f"Credential leak {SECRET}", restricted=True)


def test_a_restricted_incident_renders_as_plain_text(restricted):
    html = render_markdown(f"See INC-{restricted.pk}.")
    assert html == f"<p>See INC-{restricted.pk}.</p>\n"


def test_a_restricted_incident_still_gets_its_backlink(restricted, make_incident, write_postmortem):
    write_postmortem(make_incident(), f"Like INC-{restricted.pk}.")
    assert Reference.objects.filter(target_incident=restricted).count() == 1


def test_restricting_an_incident_makes_stored_links_to_it_plain_text(make_incident, write_postmortem, editor):
    from incidents.services import update_incident

    earlier = make_incident(title=f"Credential leak {SECRET}")
    postmortem = write_postmortem(make_incident(), f"Like INC-{earlier.pk}.")
    update_incident(incident=earlier, by=editor, restricted=True)
    postmortem.refresh_from_db()
    assert SECRET not in postmortem.rendered_body


def test_the_warning_is_the_same_for_restricted_and_missing(editor_client, restricted):
    preview = editor_client.post(
        reverse("markdownx_markdownify"), {"content": f"INC-{restricted.pk} and INC-99999"}
    ).content.decode()
    assert (
        f"INC-{restricted.pk} does not exist or is restricted; INC-99999 does not exist or is restricted."
        in (preview)
    )


def test_search_does_not_rank_by_a_restricted_incidents_title(
    viewer_client, restricted, write_postmortem, make_incident
):
    write_postmortem(make_incident(), f"Like INC-{restricted.pk}.")
    response = viewer_client.get(reverse("search:search"), {"q": SECRET})
    assert response.context["page_obj"].paginator.count == 0


def test_outsiders_do_not_see_mentions_from_a_restricted_incident(
    viewer, make_incident, write_postmortem, restricted
):
    from references.selectors import mentions_of

    target = make_incident(title="Public outage")
    write_postmortem(restricted, f"Caused by INC-{target.pk}.")
    restricted.summary = f"Follows INC-{target.pk}."
    restricted.save()
    assert mentions_of(target, viewer=viewer) == []


def test_the_people_on_a_restricted_incident_see_its_mentions(
    viewer, make_incident, write_postmortem, restricted
):
    from references.selectors import mentions_of

    target = make_incident(title="Public outage")
    write_postmortem(restricted, f"Caused by INC-{target.pk}.")
    restricted.people.add(viewer)
    assert [mention.kind for mention in mentions_of(target, viewer=viewer)] == ["Postmortem"]


def test_a_superuser_sees_mentions_from_a_restricted_incident(make_incident, write_postmortem, restricted):
    from references.selectors import mentions_of
    from tests.conftest import make_user

    target = make_incident(title="Public outage")
    write_postmortem(restricted, f"Caused by INC-{target.pk}.")
    boss = make_user("boss", is_superuser=True)
    assert len(mentions_of(target, viewer=boss)) == 1
