"""A public version of a published postmortem: written by an Editor, shown on the status page and its feed, and
nothing internal with it."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import EDITOR
from incidents.models import Status, StatusUpdate
from postmortems.models import ActionItem
from reviews import services
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PUBLIC_TEXT = "Card payments failed for 40 minutes. We doubled capacity and added an alert."
INTERNAL_BITS = [
    "Connection pool set to 5 by build 2024.11.3",  # the incident's internal title
    "Paged Amara on call",  # internal timeline
    "Amara",  # a person's name
    "amara",  # a username
    "Raise pgbouncer pool to 50",  # an action item
    "set by hand in 2021",  # the postmortem's own text
    "Why was it 5?",  # a review comment
]


@pytest.fixture
def published(make_incident, service, make_postmortem, editor):
    amara = make_user("amara", EDITOR, last_name="Okafor")
    incident = make_incident(
        services=[service], commander=amara, title="Connection pool set to 5 by build 2024.11.3"
    )
    incident.timeline.create(text="Paged Amara on call", author=amara, occurred_at=incident.started_at)
    StatusUpdate.objects.create(
        incident=incident, status=Status.RESOLVED, headline="Payments restored", message="All good now."
    )
    postmortem = make_postmortem(incident=incident, body="## Summary\n\nThe pool was set by hand in 2021.\n")
    postmortem.authors.add(amara)
    ActionItem.objects.create(postmortem=postmortem, title="Raise pgbouncer pool to 50", owner=amara)
    services.add_comment(postmortem=postmortem, by=amara, body="Why was it 5?")
    postmortem.publish(editor)
    return postmortem


def test_an_editor_writes_and_shows_the_public_version(editor_client, published):
    response = editor_client.post(
        reverse("reviews:public_summary", args=[published.pk]),
        {"title": "Card payment errors", "body": PUBLIC_TEXT, "is_public": "on"},
    )
    assert response.status_code == 302
    assert published.public_summary.is_public


def test_the_public_version_runs_the_blameless_check(editor_client, published):
    response = editor_client.post(
        reverse("reviews:public_summary", args=[published.pk]),
        {"title": "Outage", "body": "It was human error.", "is_public": ""},
        follow=True,
    )
    assert "“human error”" in response.content.decode()


def test_an_unpublished_postmortem_cannot_go_public(editor_client, make_postmortem):
    draft = make_postmortem()
    response = editor_client.post(
        reverse("reviews:public_summary", args=[draft.pk]),
        {"title": "T", "body": PUBLIC_TEXT, "is_public": "on"},
    )
    assert "Publish the postmortem first" in response.content.decode()


def test_viewers_cannot_write_the_public_version(viewer_client, published):
    response = viewer_client.post(
        reverse("reviews:public_summary", args=[published.pk]), {"title": "T", "body": "x", "is_public": "on"}
    )
    assert response.status_code == 403


def test_malicious_markdown_in_the_public_version_is_sanitised(published, editor):
    services.save_public_summary(
        postmortem=published,
        by=editor,
        title="T",
        body="<script>alert(1)</script>[x](javascript:alert(1))",
        is_public=True,
    )
    page = Client().get(reverse("status:incident", args=[published.incident_id])).content.decode()
    assert "<script>alert(1)" not in page
    assert 'href="javascript' not in page


def walk_status_pages(client):
    """Every page reachable from the status page by following its links, plus the feed: (url, text) pairs."""
    start = reverse("status:page")
    seen, queue, pages = set(), [start, reverse("status:feed")], []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        pages.append((url, text))
        for link in re.findall(r'href="(/status/[^"#]*)', text):
            queue.append(link)
    return pages


def test_the_public_version_is_on_the_status_page_and_feed_for_anyone(published, editor):
    services.save_public_summary(
        postmortem=published, by=editor, title="Card payment errors", body=PUBLIC_TEXT, is_public=True
    )
    pages = dict(walk_status_pages(Client()))
    assert PUBLIC_TEXT in pages[reverse("status:incident", args=[published.incident_id])]
    assert "[Postmortem] Card payment errors" in pages[reverse("status:feed")]


def test_walking_the_status_pages_anonymously_finds_nothing_internal(published, editor):
    services.save_public_summary(
        postmortem=published, by=editor, title="Card payment errors", body=PUBLIC_TEXT, is_public=True
    )
    leaks = [(url, bit) for url, text in walk_status_pages(Client()) for bit in INTERNAL_BITS if bit in text]
    assert leaks == []


def test_a_hidden_public_version_is_not_shown(published, editor):
    services.save_public_summary(
        postmortem=published, by=editor, title="Card payment errors", body=PUBLIC_TEXT, is_public=False
    )
    assert all(PUBLIC_TEXT not in text for _, text in walk_status_pages(Client()))


def test_reopening_the_postmortem_takes_the_public_version_down(published, editor):
    services.save_public_summary(
        postmortem=published, by=editor, title="Card payment errors", body=PUBLIC_TEXT, is_public=True
    )
    published.reopen()
    assert all(PUBLIC_TEXT not in text for _, text in walk_status_pages(Client()))
