"""core.freshness: every write the ORM sends moves the dashboards' generation; reads and bookkeeping writes don't."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db import connection
from django.utils import timezone

from core import freshness
from incidents.models import Incident, Service

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "sql",
    [
        'INSERT INTO "incidents_incident" ("title") VALUES (%s)',
        'UPDATE "postmortems_actionitem" SET "status" = %s WHERE "id" = %s',
        'DELETE FROM "runbooks_runbook" WHERE "id" IN (%s)',
        'TRUNCATE "incidents_incident", "postmortems_postmortem";',
        "update incidents_incident set severity = 1",
        'UPDATE "auth_user" SET "is_superuser" = %s WHERE "auth_user"."id" = %s',
        # SQLite's many-to-many add(): someone added to a restricted incident or to a group
        'INSERT OR IGNORE INTO "incidents_incident_participants" ("incident_id", "user_id") VALUES (%s, %s)',
        # the search index, which the search page's cached results read (a reindex outside any model save)
        'UPDATE "search_searchdocument" SET "search_vector" = %s',
    ],
)
def test_a_write_to_a_table_a_dashboard_reads_moves_the_figures(sql):
    assert freshness.moves_figures(sql)


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT COUNT(*) FROM "incidents_incident"',
        'SELECT "id" FROM "incidents_incident" WHERE "title" = \'UPDATE x\' FOR UPDATE',
        'UPDATE "django_session" SET "session_data" = %s WHERE "session_key" = %s',
        'INSERT INTO "notifications_notification" ("kind") VALUES (%s)',
        'UPDATE "auth_user" SET "last_login" = %s WHERE "auth_user"."id" = %s',
    ],
)
def test_reads_and_bookkeeping_writes_leave_the_figures_alone(sql):
    assert not freshness.moves_figures(sql)


def test_a_queryset_update_moves_the_generation(make_incident):
    incident = make_incident()
    before = freshness.generation()
    Incident.objects.filter(pk=incident.pk).update(severity=1)
    assert freshness.generation() > before


def test_a_bulk_create_moves_the_generation():
    before = freshness.generation()
    Service.objects.bulk_create([Service(name="a", team="A"), Service(name="b", team="B")])
    assert freshness.generation() > before


def test_raw_sql_moves_the_generation(make_incident):
    make_incident()
    before = freshness.generation()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE incidents_incident SET severity = 1")
    assert freshness.generation() > before


def test_logging_in_leaves_the_generation_alone(rf, viewer):
    before = freshness.generation()
    user_logged_in.send(sender=get_user_model(), request=rf.get("/"), user=viewer)  # stamps last_login
    assert freshness.generation() == before


def test_a_cached_value_is_computed_once_per_generation():
    computed = []

    def compute():
        computed.append(1)
        return freshness.Fresh(len(computed))

    values = [freshness.cached("test", [], compute) for _ in range(2)]
    freshness.bump()
    values.append(freshness.cached("test", [], compute))
    assert values == [1, 1, 2]


def test_a_cached_value_is_recomputed_once_its_moment_passes():
    now = timezone.now()
    computed = []

    def compute():
        computed.append(1)
        return freshness.Fresh(len(computed), until=now + timedelta(minutes=1))

    early = freshness.cached("test", [], compute, now=now)
    still = freshness.cached("test", [], compute, now=now + timedelta(seconds=59))
    late = freshness.cached("test", [], compute, now=now + timedelta(minutes=1))
    assert (early, still, late) == (1, 1, 2)


def test_a_changed_setting_is_a_different_cache(settings):
    values = [freshness.cached("test", [], lambda: freshness.Fresh("48 hours"))]
    settings.HINDSIGHT_POSTMORTEM_DUE = timedelta(hours=24)
    values.append(freshness.cached("test", [], lambda: freshness.Fresh("24 hours")))
    assert values == ["48 hours", "24 hours"]


def test_without_a_shared_cache_nothing_is_kept(settings):
    settings.HINDSIGHT_DASHBOARD_CACHE = False
    values = [freshness.cached("test", [], lambda n=n: freshness.Fresh(n)) for n in range(2)]
    assert values == [0, 1]


def test_a_request_waits_for_the_one_already_computing_the_same_figures(monkeypatch):
    """A room opening a page just after a write: the second request takes what the first one computes."""
    computed = []

    def compute():
        computed.append(1)
        return freshness.Fresh("figures")

    key = freshness._key("test", [], timezone.now())
    freshness.cache.add(f"{key}:computing", True)  # another request is computing them

    def meanwhile(seconds):  # ... and stores them while this one waits
        freshness.cache.set(key, freshness.Fresh("theirs"))

    monkeypatch.setattr(freshness.time, "sleep", meanwhile)
    assert (freshness.cached("test", [], compute), computed) == ("theirs", [])


def test_a_request_computes_itself_when_the_other_one_gave_up(monkeypatch):
    key = freshness._key("test", [], timezone.now())
    freshness.cache.add(f"{key}:computing", True)
    monkeypatch.setattr(freshness.time, "sleep", lambda seconds: freshness.cache.delete(f"{key}:computing"))
    assert freshness.cached("test", [], lambda: freshness.Fresh("mine")) == "mine"
