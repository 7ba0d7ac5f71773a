"""Home, the review page and Insights run the same number of queries for 10 incidents as for 1,000 (each visit
after the bulk writes computes its figures afresh)."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Category, Incident, Service, Status, StatusUpdate
from insights import freshness, metrics
from postmortems.models import ActionItem, Postmortem

pytestmark = pytest.mark.django_db


def bulk_world(how_many, seed=7):
    """`how_many` incidents over the past year, in bulk: every kind of row Home and Insights show, repeats too."""
    rng = random.Random(seed)
    now = timezone.now()
    freshness.bump()  # bulk_create sends no signals; Insights must recompute, as after any import
    services = Service.objects.bulk_create(
        Service(name=f"svc-{how_many}-{i}", team=f"Team {i % 3}") for i in range(4)
    )
    categories = Category.objects.bulk_create(Category(name=f"cat-{how_many}-{i}") for i in range(3))
    incidents = []
    for i in range(how_many):
        started = now - timedelta(days=rng.randint(1, 360), minutes=rng.randint(0, 600))
        is_open = i % 10 == 0
        incidents.append(
            Incident(
                title=f"Incident {i}",
                severity=rng.randint(1, 4),
                detection_source=rng.choice(["alert", "customer_report"]),
                status=Status.INVESTIGATING if is_open else Status.RESOLVED,
                started_at=started,
                detected_at=started + timedelta(minutes=rng.randint(1, 30)),
                acknowledged_at=started + timedelta(minutes=rng.randint(31, 60)),
                mitigated_at=None if is_open else started + timedelta(minutes=rng.randint(61, 120)),
                resolved_at=None if is_open else started + timedelta(minutes=rng.randint(121, 600)),
            )
        )
    incidents = Incident.objects.bulk_create(incidents)
    Incident.services.through.objects.bulk_create(
        Incident.services.through(incident=incident, service=services[i % 2])
        for i, incident in enumerate(incidents)
    )
    Incident.categories.through.objects.bulk_create(
        Incident.categories.through(incident=incident, category=categories[i % 2])
        for i, incident in enumerate(incidents)
    )
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            incident=incident,
            kind="initial",
            status=incident.status,
            headline="h",
            message="m",
            posted_at=incident.started_at + timedelta(minutes=20),
        )
        for incident in incidents[::2]
    )
    postmortems = Postmortem.objects.bulk_create(
        Postmortem(incident=incident, title=f"PM {incident.title}") for incident in incidents[1::3]
    )
    today = timezone.localdate()
    ActionItem.objects.bulk_create(
        ActionItem(
            postmortem=pm,
            title=f"Fix {i}",
            team=f"Team {i % 3}",
            status=["open", "done"][i % 2],
            completed_at=timezone.now() if i % 2 else None,
            due_date=today + timedelta(days=rng.randint(-30, 30)),
        )
        for i, pm in enumerate(postmortems)
    )


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("actions:review"),
        reverse("insights:index"),
        reverse("insights:index") + "?severity=1&severity=2&team=Team+1&started_min=2020-01-01",
    ],
)
def test_query_count_is_the_same_for_10_and_1000_incidents(viewer_client, url):
    bulk_world(10)
    assert metrics.repeat_pairs(Incident.objects.all()), (
        "the small world must exercise the repeat lookups too"
    )
    small = queries(viewer_client, url)
    bulk_world(990, seed=8)
    assert Incident.objects.count() == 1000
    assert queries(viewer_client, url) == small
    assert small <= 40
