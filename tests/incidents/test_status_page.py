"""The public status page and its Atom feed: no login, and nothing internal leaks."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Status, StatusUpdate
from postmortems.models import Postmortem

pytestmark = pytest.mark.django_db

SECRET_BITS = [
    "Connection pool set to 5 by build 2024.11.3",  # internal title
    "pgbouncer internals summary",  # summary
    "Paged Amara on call",  # timeline
    "INTERNAL: waiting on legal",  # internal update
    "Amara",  # commander's name
    "Postmortem draft body",  # postmortem
]


@pytest.fixture
def announced(make_incident, service):
    commander = get_user_model().objects.create_user("amara", first_name="Amara", last_name="Okafor")
    incident = make_incident(
        services=[service],
        status=Status.IDENTIFIED,
        severity=1,
        commander=commander,
        title="Connection pool set to 5 by build 2024.11.3",
        summary="pgbouncer internals summary",
        started_at=timezone.now() - timedelta(hours=1),
    )
    incident.timeline.create(text="Paged Amara on call", author=commander)
    StatusUpdate.objects.create(
        incident=incident,
        kind="initial",
        visibility="public",
        status="investigating",
        headline="Checkout payments failing",
        message="We are looking into failed payments.",
        author=commander,
        posted_at=timezone.now() - timedelta(minutes=40),
    )
    StatusUpdate.objects.create(
        incident=incident,
        kind="update",
        visibility="internal",
        status="identified",
        headline="Legal",
        message="INTERNAL: waiting on legal",
        author=commander,
        posted_at=timezone.now() - timedelta(minutes=20),
    )
    StatusUpdate.objects.create(
        incident=incident,
        kind="update",
        visibility="public",
        status="identified",
        headline="Checkout payments failing",
        message="Cause found; fix rolling out.",
        author=commander,
        posted_at=timezone.now() - timedelta(minutes=10),
    )
    Postmortem.objects.create(incident=incident, title="Postmortem draft body", body="Postmortem draft body")
    return incident


def assert_nothing_internal(text):
    for secret in SECRET_BITS:
        assert secret not in text, f"leaked {secret!r}"


def test_status_page_is_public_and_shows_the_latest_public_update(client, announced):
    response = client.get(reverse("status:page"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "1 ongoing incident" in body
    assert "Checkout payments failing" in body
    assert "Cause found; fix rolling out." in body
    assert "We are looking into failed payments." not in body  # only the latest one on the summary
    assert "checkout-api" in body
    assert_nothing_internal(body)


def test_public_incident_page_lists_only_public_updates(client, announced):
    response = client.get(reverse("status:incident", args=[announced.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "We are looking into failed payments." in body
    assert "Cause found; fix rolling out." in body
    assert_nothing_internal(body)


def test_atom_feed_carries_public_updates_only(client, announced):
    response = client.get(reverse("status:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.count("<entry>") == 2
    assert "[Identified] Checkout payments failing" in body
    assert_nothing_internal(body)


def test_incident_without_public_update_is_not_shown(client, make_incident, service):
    hidden = make_incident(services=[service], status=Status.INVESTIGATING, title="Quiet internal thing")
    StatusUpdate.objects.create(
        incident=hidden,
        kind="initial",
        visibility="internal",
        status="investigating",
        headline="Internal only",
        message="Nobody outside should see this",
    )
    body = client.get(reverse("status:page")).content.decode()
    assert "All systems operational" in body
    assert "Internal only" not in body
    assert "Quiet internal thing" not in body
    assert client.get(reverse("status:incident", args=[hidden.pk])).status_code == 404


def test_recently_resolved_incidents_are_listed_and_old_ones_drop_off(client, make_incident, service):
    now = timezone.now()
    recent = make_incident(services=[service], started_at=now - timedelta(days=2))
    old = make_incident(services=[service], started_at=now - timedelta(days=30))
    for incident, headline in [(recent, "Search was slow"), (old, "Ancient history")]:
        StatusUpdate.objects.create(
            incident=incident,
            kind="resolution",
            visibility="public",
            status="resolved",
            headline=headline,
            message="Resolved.",
        )
    body = client.get(reverse("status:page")).content.decode()
    assert "Search was slow" in body
    assert "Ancient history" not in body
    assert "All systems operational" in body


def test_status_page_query_count_is_fixed(client, make_incident, service):
    def announce(count):
        for _ in range(count):
            incident = make_incident(services=[service], status=Status.INVESTIGATING)
            StatusUpdate.objects.create(
                incident=incident,
                kind="initial",
                visibility="public",
                status="investigating",
                headline="h",
                message="m",
            )

    announce(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("status:page"))
    announce(20)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("status:page"))
    assert len(few) == len(many)
