"""Who finds a restricted incident: the people on it and superusers, not everyone else."""

import pytest
from django.urls import reverse

from accounts.roles import EDITOR
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def found_titles(client, user, query):
    client.force_login(user)
    response = client.get(reverse("search:search"), {"q": query})
    return [hit.title for _, hits in response.context["groups"] for hit in hits]


@pytest.fixture
def commander(db):
    return make_user("cora", EDITOR)


@pytest.fixture
def leak(make_incident, commander):
    """The restricted incident's hit title; an ordinary incident matches the same word."""
    incident = make_incident(title="Credential leak in billing", restricted=True, commander=commander)
    make_incident(title="Credential rotation overdue")
    return f"{incident.reference} {incident.title}"


def test_the_commander_finds_their_restricted_incident(client, commander, leak):
    assert leak in found_titles(client, commander, "credential")


def test_a_superuser_finds_a_restricted_incident(client, leak):
    assert leak in found_titles(client, make_user("root", is_superuser=True), "credential")


def test_an_outsider_does_not_find_a_restricted_incident(client, leak):
    assert leak not in found_titles(client, make_user("otto", EDITOR), "credential")


def test_an_outsider_searching_after_the_commander_still_does_not_find_it(client, commander, leak):
    assert leak in found_titles(client, commander, "credential")
    assert leak not in found_titles(client, make_user("otto", EDITOR), "credential")


def test_a_restricted_incident_is_not_counted_for_an_outsider(client, leak):
    client.force_login(make_user("otto", EDITOR))
    response = client.get(reverse("search:search"), {"q": "credential"})
    assert {kind.name: n for kind, n in response.context["kind_counts"]}["incident"] == 1
