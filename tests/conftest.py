"""Shared fixtures: people in each role and a small, realistic incident factory."""

import os
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone

from accounts.roles import EDITOR, RESPONDER, VIEWER
from incidents.models import Category, Incident, Service, Status, TimelineEntry

# Playwright's sync API runs an event loop in the test thread; Django's ORM is used there only by the test itself.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def insights_cache(settings):
    """One test process shares one cache, so Insights caching is exact here as it is with Redis in production."""
    settings.HINDSIGHT_DASHBOARD_CACHE = True


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters live in the cache: no test inherits another's."""
    cache.clear()
    yield
    cache.clear()


def make_user(username, role=None, **extra):
    user = get_user_model().objects.create_user(
        username=username, password="correct-horse-battery", first_name=username.title(), **extra
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def viewer(db):
    return make_user("vera", VIEWER)


@pytest.fixture
def responder(db):
    return make_user("rita", RESPONDER)


@pytest.fixture
def editor(db):
    return make_user("eddie", EDITOR)


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def responder_client(client, responder):
    client.force_login(responder)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def service(db):
    return Service.objects.create(name="checkout-api", team="Payments", tier=1)


@pytest.fixture
def category(db):
    return Category.objects.create(name="bad deploy")


@pytest.fixture
def make_incident(db):
    """Build an incident with sensible, ordered timestamps; override anything by keyword."""
    counter = {"n": 0}

    def build(services=(), categories=(), timeline=0, **fields):
        counter["n"] += 1
        started = fields.pop("started_at", timezone.now() - timedelta(days=2))
        resolved = fields.get("status", Status.RESOLVED) == Status.RESOLVED
        defaults = {
            "title": f"Checkout errors #{counter['n']}",
            "severity": 2,
            "status": Status.RESOLVED,
            "started_at": started,
            "detected_at": started + timedelta(minutes=5),
            "acknowledged_at": started + timedelta(minutes=12),
            "mitigated_at": started + timedelta(minutes=40) if resolved else None,
            "resolved_at": started + timedelta(minutes=90) if resolved else None,
        }
        defaults.update(fields)
        incident = Incident.objects.create(**defaults)
        incident.services.set(services)
        incident.categories.set(categories)
        TimelineEntry.objects.bulk_create(
            TimelineEntry(incident=incident, occurred_at=started + timedelta(minutes=i), text=f"Entry {i}")
            for i in range(timeline)
        )
        return incident

    return build
