"""The long lists check visibility as "not one of the incidents hidden from you" (incidents.selectors): the same
rows as Incident.objects.visible_to for every kind of person."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.urls import reverse

from accounts.roles import EDITOR, VIEWER
from incidents.models import Incident
from incidents.selectors import visible_incidents
from postmortems.models import Postmortem
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    security = make_user("sec", VIEWER)
    Group.objects.get_or_create(name="Security")[0].user_set.add(security)
    return {
        "commander": make_user("cora", EDITOR),
        "sme": make_user("sam", VIEWER),
        "added": make_user("ada", VIEWER),
        "security": security,
        "outsider": make_user("otto", EDITOR),
        "superuser": make_user("root", is_superuser=True),
        "anonymous": AnonymousUser(),
    }


@pytest.fixture
def incidents(make_incident, people):
    open_one = make_incident(title="Ordinary outage")
    led = make_incident(title="Leak they lead", restricted=True, commander=people["commander"])
    advised = make_incident(title="Leak they advise", restricted=True)
    advised.smes.add(people["sme"])
    added = make_incident(title="Leak they were added to", restricted=True)
    added.people.add(people["added"])
    nobody = make_incident(title="Leak of nobody here", restricted=True)
    for incident in (open_one, led, advised, added, nobody):
        Postmortem.objects.create(incident=incident, title=f"Postmortem of {incident.title}")
    return Incident.objects.all()


@pytest.mark.parametrize(
    "who", ["commander", "sme", "added", "security", "outsider", "superuser", "anonymous"]
)
def test_visible_incidents_are_the_ones_visible_to_each_person(incidents, people, who):
    user = people[who]
    assert set(visible_incidents(user)) == set(Incident.objects.visible_to(user))


@pytest.mark.parametrize("who", ["commander", "sme", "outsider", "superuser"])
def test_the_incident_list_shows_each_person_what_they_may_see(incidents, people, client, who):
    client.force_login(people[who])
    response = client.get(reverse("incidents:list"))
    shown = {incident.title for incident in response.context["object_list"]}
    assert shown == set(Incident.objects.visible_to(people[who]).values_list("title", flat=True))


@pytest.mark.parametrize("who", ["commander", "added", "outsider", "superuser"])
def test_the_postmortem_list_shows_each_person_what_they_may_see(incidents, people, client, who):
    client.force_login(people[who])
    response = client.get(reverse("postmortems:list"))
    shown = {postmortem.title for postmortem in response.context["object_list"]}
    assert shown == set(Postmortem.objects.visible_to(people[who]).values_list("title", flat=True))


def test_someone_added_to_a_restricted_incident_sees_it_in_the_list_at_once(incidents, people, client):
    outsider = people["outsider"]
    client.force_login(outsider)
    client.get(reverse("incidents:list"))  # the list's visibility check is built for them and kept
    leak = Incident.objects.get(title="Leak of nobody here")
    leak.people.add(outsider)
    shown = {incident.title for incident in client.get(reverse("incidents:list")).context["object_list"]}
    assert "Leak of nobody here" in shown


def test_someone_taken_off_a_restricted_incident_no_longer_sees_it(incidents, people, client):
    client.force_login(people["added"])
    client.get(reverse("incidents:list"))
    Incident.objects.get(title="Leak they were added to").people.remove(people["added"])
    shown = {incident.title for incident in client.get(reverse("incidents:list")).context["object_list"]}
    assert "Leak they were added to" not in shown
