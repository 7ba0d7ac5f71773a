"""Restricted incidents through the API: an outsider's token reads and writes as if they did not exist (404, absent
from lists and search); the people on the incident read it as anywhere else."""

import pytest

from accounts.roles import EDITOR
from postmortems.models import ActionItem
from tests.api.conftest import token_client
from tests.conftest import make_user

PHRASE = "quokkabrine"


@pytest.fixture
def hidden(make_incident, make_postmortem, service):
    incident = make_incident(services=[service], title=f"Leak {PHRASE}", restricted=True)
    postmortem = make_postmortem(
        incident=incident, title=f"Postmortem {PHRASE}", body=f"## Summary\n{PHRASE}"
    )
    item = ActionItem.objects.create(postmortem=postmortem, title=f"Rotate {PHRASE}")
    return {"incident": incident, "postmortem": postmortem, "item": item}


@pytest.fixture
def outsider_api(db):
    return token_client(make_user("api-outsider", EDITOR))


def test_lists_and_search_leave_it_out(outsider_api, hidden):
    for url in (
        "/api/v1/incidents/",
        "/api/v1/postmortems/",
        "/api/v1/action-items/",
        f"/api/v1/postmortems/?q={PHRASE}",
        "/api/v1/incidents/?q=leak",
    ):
        assert PHRASE not in outsider_api.get(url).content.decode(), url


def test_its_addresses_answer_404(outsider_api, hidden):
    for url in (
        f"/api/v1/incidents/{hidden['incident'].pk}/",
        f"/api/v1/postmortems/{hidden['postmortem'].pk}/",
        f"/api/v1/action-items/{hidden['item'].pk}/",
    ):
        assert outsider_api.get(url).status_code == 404, url


def test_writes_to_it_answer_404(outsider_api, hidden):
    incident, item = hidden["incident"].pk, hidden["item"].pk
    writes = [
        (f"/api/v1/incidents/{incident}/status/", {"status": "resolved"}),
        (f"/api/v1/incidents/{incident}/timeline/", {"text": "hello"}),
        (
            f"/api/v1/incidents/{incident}/status-updates/",
            {"kind": "update", "headline": "h", "message": "m"},
        ),
        (f"/api/v1/action-items/{item}/assign/", {"owner": None}),
        (f"/api/v1/action-items/{item}/status/", {"status": "done"}),
    ]
    statuses = {url: outsider_api.post(url, body, format="json").status_code for url, body in writes}
    assert set(statuses.values()) == {404}


def test_an_action_item_cannot_be_added_to_its_postmortem(outsider_api, hidden):
    response = outsider_api.post(
        "/api/v1/action-items/", {"postmortem": hidden["postmortem"].pk, "title": "Sneak"}, format="json"
    )
    assert "postmortem" in response.json()


def test_a_refused_timeline_entry_is_not_written(outsider_api, hidden):
    outsider_api.post(
        f"/api/v1/incidents/{hidden['incident'].pk}/timeline/", {"text": "hello"}, format="json"
    )
    assert hidden["incident"].timeline.filter(text="hello").exists() is False


def test_a_person_added_to_it_reads_it(hidden):
    insider = make_user("api-insider", EDITOR)
    hidden["incident"].people.add(insider)
    body = token_client(insider).get(f"/api/v1/action-items/{hidden['item'].pk}/").content.decode()
    assert PHRASE in body
