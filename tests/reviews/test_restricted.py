"""Reviewing a restricted incident's postmortem: outsiders get 404 on every review address and never see it waiting
for review; its public summary reaches the status page only as its status updates do (from its comms lead)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import EDITOR
from incidents.models import Status, StatusUpdate
from postmortems.models import Postmortem
from reviews import services
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PUBLIC_TEXT = "Some customers could not sign in for an hour."


@pytest.fixture
def insider(db):
    return make_user("ines", EDITOR)


@pytest.fixture
def hidden(make_incident, service, make_postmortem, insider):
    incident = make_incident(services=[service], restricted=True, comms_lead=insider, status=Status.RESOLVED)
    postmortem = make_postmortem(incident=incident, body="## Summary\n\nThe token leaked.\n")
    postmortem.reviewers.add(insider)
    return postmortem


def test_outsiders_get_404_on_every_review_address(editor_client, hidden, insider):
    comment = services.add_comment(postmortem=hidden, by=insider, body="Which token?")
    requests = [
        ("post", reverse("reviews:add_comment", args=[hidden.pk]), {"body": "hi"}),
        ("get", reverse("reviews:edit_comment", args=[comment.pk]), {}),
        ("post", reverse("reviews:resolve_thread", args=[comment.pk]), {}),
        ("post", reverse("reviews:verdict", args=[hidden.pk]), {"kind": "approve"}),
        ("get", reverse("reviews:public_summary", args=[hidden.pk]), {}),
    ]
    statuses = {url: getattr(editor_client, method)(url, data).status_code for method, url, data in requests}
    assert set(statuses.values()) == {404}


def test_the_people_on_it_comment(hidden, insider, login):
    login(insider).post(reverse("reviews:add_comment", args=[hidden.pk]), {"body": "Which token?"})
    assert hidden.review_comments.count() == 1


def test_outsiders_do_not_see_it_waiting_for_review(editor_client, hidden):
    Postmortem.objects.filter(pk=hidden.pk).update(status=Postmortem.Status.IN_REVIEW)
    response = editor_client.get(reverse("actions:review"))
    assert response.context["waiting_for_review"] == []


def test_its_people_see_it_waiting_for_review(hidden, insider, login):
    Postmortem.objects.filter(pk=hidden.pk).update(status=Postmortem.Status.IN_REVIEW)
    response = login(insider).get(reverse("actions:review"))
    assert [postmortem.pk for postmortem, _ in response.context["waiting_for_review"]] == [hidden.pk]


def publish_with_summary(postmortem, *, summary_by, update_by):
    StatusUpdate.objects.create(
        incident=postmortem.incident,
        status=Status.RESOLVED,
        headline="Resolved",
        message="Sign-in works again.",
        author=update_by,
    )
    postmortem.publish(summary_by)
    services.save_public_summary(
        postmortem=postmortem, by=summary_by, title="Sign-in trouble", body=PUBLIC_TEXT, is_public=True
    )


def test_its_public_summary_by_someone_else_stays_off_the_status_page(hidden, insider, editor):
    publish_with_summary(hidden, summary_by=editor, update_by=insider)
    page = Client().get(reverse("status:incident", args=[hidden.incident_id])).content.decode()
    assert PUBLIC_TEXT not in page


def test_its_public_summary_by_its_comms_lead_is_on_the_status_page(hidden, insider):
    publish_with_summary(hidden, summary_by=insider, update_by=insider)
    page = Client().get(reverse("status:incident", args=[hidden.incident_id])).content.decode()
    assert PUBLIC_TEXT in page
