""" "Mentioned in" is cached per page and reader (core.freshness): a new mention, and a change to who may see the
text that mentions, show on the very next request."""

import pytest

from references.models import Reference

pytestmark = pytest.mark.django_db


def mentions(client, target):
    return [mention.title for mention in client.get(target.get_absolute_url()).context["mentions"]]


def test_a_new_mention_shows_on_the_next_request(viewer_client, make_incident, write_postmortem):
    target = make_incident(title="Payments queue stuck")
    assert mentions(viewer_client, target) == []
    write_postmortem(make_incident(), f"Like INC-{target.pk}.", title="Queue review")
    assert mentions(viewer_client, target) == ["Queue review"]


def test_a_removed_mention_goes_on_the_next_request(viewer_client, make_incident, write_postmortem):
    target = make_incident(title="Payments queue stuck")
    write_postmortem(make_incident(), f"Like INC-{target.pk}.", title="Queue review")
    assert mentions(viewer_client, target) == ["Queue review"]
    Reference.objects.filter(target_incident=target).delete()
    assert mentions(viewer_client, target) == []


def test_a_renamed_source_shows_its_new_title(viewer_client, make_incident, write_postmortem):
    target = make_incident(title="Payments queue stuck")
    postmortem = write_postmortem(make_incident(), f"Like INC-{target.pk}.", title="Queue review")
    mentions(viewer_client, target)
    postmortem.title = "Queue review, final"
    postmortem.save()
    assert mentions(viewer_client, target) == ["Queue review, final"]


def test_a_mention_from_a_newly_restricted_incident_is_hidden_at_once(
    viewer_client, make_incident, write_postmortem
):
    target = make_incident(title="Payments queue stuck")
    source = make_incident(title="Credential leak")
    write_postmortem(source, f"Like INC-{target.pk}.", title="Leak review")
    assert mentions(viewer_client, target) == ["Leak review"]
    source.restricted = True
    source.save()
    assert mentions(viewer_client, target) == []


def test_one_readers_mentions_are_not_shown_to_another(
    viewer_client, viewer, editor, make_incident, write_postmortem
):
    target = make_incident(title="Payments queue stuck")
    source = make_incident(title="Credential leak", restricted=True)
    source.people.add(editor)
    write_postmortem(source, f"Like INC-{target.pk}.", title="Leak review")
    viewer_client.force_login(editor)
    assert mentions(viewer_client, target) == ["Leak review"]
    viewer_client.force_login(viewer)
    assert mentions(viewer_client, target) == []
