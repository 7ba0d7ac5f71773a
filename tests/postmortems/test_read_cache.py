"""The postmortem page is read through the shared cache (core.freshness), and never shows a stale fact: every kind
of write shows on the next request, and one reader's copy is never another's."""

import pytest
from django.urls import reverse

from postmortems import services

pytestmark = pytest.mark.django_db


def page(client, postmortem):
    return client.get(reverse("postmortems:detail", args=[postmortem.pk]))


def test_a_saved_version_shows_on_the_next_request(viewer_client, editor, postmortem):
    page(viewer_client, postmortem)
    services.save_postmortem(
        postmortem=postmortem,
        by=editor,
        body="## Summary\n\nThe pool grew.\n",
        expected_version=postmortem.version,
    )
    assert b"The pool grew." in page(viewer_client, postmortem).content


def test_a_new_action_item_shows_on_the_next_request(viewer_client, editor, postmortem):
    page(viewer_client, postmortem)
    services.create_action_item(postmortem=postmortem, by=editor, title="Add a pool alarm")
    titles = [item.title for item in page(viewer_client, postmortem).context["postmortem"].action_items.all()]
    assert titles == ["Add a pool alarm"]


def test_blaming_language_found_after_an_edit_is_reported_on_the_next_request(
    viewer_client, editor, postmortem
):
    assert page(viewer_client, postmortem).context["findings"] == []
    services.save_postmortem(
        postmortem=postmortem,
        by=editor,
        body="## Summary\n\nHuman error by the on-call engineer.\n",
        expected_version=postmortem.version,
    )
    assert page(viewer_client, postmortem).context["findings"] != []


def test_restricting_its_incident_hides_it_at_once(viewer_client, postmortem):
    page(viewer_client, postmortem)
    postmortem.incident.restricted = True
    postmortem.incident.save()
    assert page(viewer_client, postmortem).status_code == 404


def test_one_readers_copy_of_a_restricted_postmortem_is_not_served_to_another(
    client, viewer, editor, make_postmortem, make_incident
):
    postmortem = make_postmortem(incident=make_incident(restricted=True))
    postmortem.incident.people.add(editor)
    client.force_login(editor)
    assert page(client, postmortem).status_code == 200
    client.force_login(viewer)
    assert page(client, postmortem).status_code == 404
