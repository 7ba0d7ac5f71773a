"""Hindsight behind a real PgBouncer in transaction mode: migrated through it, then served by gunicorn (2 workers
× 4 threads) with `DATABASE_PGBOUNCER=1`, over 3 server connections, so consecutive transactions of one Django
connection run on different PostgreSQL connections. Every write is checked directly in PostgreSQL.

Runs on either suite (SQLite or PostgreSQL): it makes its own database on the local PostgreSQL. Skipped only
when PostgreSQL or pgbouncer is missing (`make test` installs Debian's pgbouncer when it can), except in CI (`CI`
set), where that fails."""

import csv
import io
import json
import os
import secrets
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import dj_database_url
import psycopg
import pytest
from django.conf import settings

from core.env import behind_pgbouncer
from perf.pgbouncer import (
    POOL_SIZE,
    admin_show,
    free_port,
    pgbouncer_binary,
    running_pgbouncer,
    wait_for_servers,
)
from perf.server import running_gunicorn
from perf.soak import FormFields

POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
PASSWORD = "pgbouncer-test-password"
# Migrates (through PgBouncer, like everything here) and makes a person, a service and an API token, in one
# process: one Django start-up less.
SETUP = f"""
import json
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from accounts.roles import EDITOR
from api.models import ApiToken
from incidents.models import Service
user = get_user_model().objects.create_user(username="pat", password={PASSWORD!r}, first_name="Pat")
user.groups.add(Group.objects.get(name=EDITOR))
service = Service.objects.create(name="checkout-api", team="Payments", tier=1)
print(json.dumps({{"service": service.pk, "token": ApiToken.issue(user=user, name="pgbouncer test")[1]}}))
"""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies, CSRF and no redirect following, over real HTTP (standard library only)."""

    def __init__(self, base_url, jar=None):
        self.base_url, self.jar = base_url, jar or CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects)

    def twin(self):
        """Another browser with the same session, for another thread."""
        jar = CookieJar()
        for cookie in self.jar:
            jar.set_cookie(cookie)
        return Browser(self.base_url, jar)

    def request(self, method, path, data=None, headers=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(
            self.base_url + path, data=body, method=method, headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, data):
        csrf = next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")
        fields = list(data.items()) if isinstance(data, dict) else list(data)
        return self.request("POST", path, [*fields, ("csrfmiddlewaretoken", csrf)])

    def form(self, path):
        """The fields a browser would submit from the form on `path`."""
        _, page, _ = self.get(path)
        parser = FormFields(path)
        parser.feed(page)
        return [(name, value) for name, value in parser.fields if name != "csrfmiddlewaretoken"]


def postgres_available():
    try:
        with psycopg.connect(dbname="postgres", connect_timeout=3, **POSTGRES):
            return True
    except psycopg.OperationalError:
        return False


def missing(reason):
    """Skipped where PgBouncer or PostgreSQL is missing, except in CI (`CI` set), which must test it."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}, and CI must test Hindsight behind PgBouncer.")
    pytest.skip(reason)


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Hindsight on gunicorn → PgBouncer (transaction pooling) → a fresh PostgreSQL database."""
    if pgbouncer_binary() is None:
        missing("pgbouncer is not installed (`make pgbouncer` installs Debian's package as root)")
    if not postgres_available():
        missing("no PostgreSQL at 127.0.0.1:5432 (user postgres)")
    database = f"hs_pgb_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(dbname="postgres", autocommit=True, **POSTGRES) as admin:
        admin.execute(f"CREATE DATABASE {database}")
    logs = tmp_path_factory.mktemp("pgbouncer")
    try:
        pgbouncer_port, web_port = free_port(), free_port()
        with running_pgbouncer(pgbouncer_port, database, log_path=logs / "pgbouncer.log"):
            env = {
                **os.environ,
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pgbouncer_port}/{database}",
                "DATABASE_PGBOUNCER": "1",
            }
            env.pop("DEBUG", None)
            made = json.loads(manage("shell", "-v0", "-c", SETUP, env=env).strip().splitlines()[-1])
            with running_gunicorn(
                web_port, workers=2, threads=4, extra_env=env, log_path=logs / "gunicorn.log"
            ):
                browser = Browser(f"http://127.0.0.1:{web_port}")
                browser.get("/accounts/login/")
                status, _, _ = browser.post("/accounts/login/", {"username": "pat", "password": PASSWORD})
                assert status == 302, "logging in through PgBouncer failed"
                wait_for_servers(pgbouncer_port, database, POOL_SIZE)
                yield {
                    "browser": browser,
                    "database": database,
                    "pgbouncer_port": pgbouncer_port,
                    "service": made["service"],
                    "token": made["token"],
                }
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **POSTGRES) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def stored(site, sql, *params):
    """Rows straight from PostgreSQL, not through PgBouncer."""
    with psycopg.connect(dbname=site["database"], **POSTGRES) as connection:
        return connection.execute(sql, params).fetchall()


def declare(site, title, browser=None):
    """Declares an incident through the form; returns its id."""
    status, _, headers = (browser or site["browser"]).post(
        "/incidents/declare/",
        {
            "title": title,
            "severity": "2",
            "services": str(site["service"]),
            "summary": "Seen through PgBouncer",
        },
    )
    assert status == 302, f"declaring {title!r} answered {status}"
    return int(headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def test_an_incident_declared_through_pgbouncer_is_stored(site):
    incident_id = declare(site, "Payments time out behind the pool")
    assert stored(site, "SELECT title FROM incidents_incident WHERE id = %s", incident_id) == [
        ("Payments time out behind the pool",)
    ]


def test_timeline_entries_posted_from_several_threads_are_all_stored(site):
    incident_id = declare(site, "Timeline written by six people at once")
    statuses = []

    def post_entries(browser, writer):
        for number in range(5):
            status, _, _ = browser.post(
                f"/incidents/{incident_id}/timeline/",
                {"kind": "observation", "text": f"writer {writer} entry {number}", "occurred_at": ""},
            )
            statuses.append(status)

    threads = [threading.Thread(target=post_entries, args=(site["browser"].twin(), w)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 30
    rows = stored(
        site,
        "SELECT count(DISTINCT text) FROM incidents_timelineentry WHERE incident_id = %s AND text LIKE 'writer %%'",
        incident_id,
    )
    assert rows == [(30,)]


def test_a_save_from_a_stale_postmortem_editor_is_refused_as_a_conflict(site):
    browser = site["browser"]
    incident_id = declare(site, "Two editors, one postmortem")
    status, _, headers = browser.post(f"/postmortems/start/{incident_id}/", {})
    assert status == 302
    edit_path = headers["Location"]
    first_tab, second_tab = browser.form(edit_path), browser.form(edit_path)

    def saved(form, body):
        return browser.post(edit_path, [(n, body if n == "body" else v) for n, v in form])[0]

    assert saved(first_tab, "## Summary\nThe first tab's story.") == 302
    assert saved(second_tab, "## Summary\nThe second tab's story.") == 409
    postmortem_id = int(edit_path.rstrip("/").split("/")[-2])
    bodies = stored(site, "SELECT body FROM postmortems_postmortem WHERE id = %s", postmortem_id)
    assert bodies == [("## Summary\nThe first tab's story.",)]


def test_search_finds_an_incident_declared_through_pgbouncer(site):
    declare(site, "Quasar cache stampede")
    status, page, _ = site["browser"].get("/search/?q=quasar")
    assert status == 200
    assert "stampede" in page


def test_the_csv_export_streams_every_incident(site):
    titles = {f"Exported incident {number}" for number in range(3)}
    for title in titles:
        declare(site, title)
    status, text, headers = site["browser"].get("/incidents/export.csv")
    assert status == 200
    exported = {row["title"] for row in csv.DictReader(io.StringIO(text))}
    assert titles <= exported


def test_the_api_reads_an_incident_with_a_token(site):
    incident_id = declare(site, "Read back through the API")
    status, body, _ = site["browser"].get(
        f"/api/v1/incidents/{incident_id}/", headers={"Authorization": f"Bearer {site['token']}"}
    )
    assert status == 200
    assert json.loads(body)["title"] == "Read back through the API"


def test_pgbouncer_pooled_the_sites_transactions(site):
    declare(site, "Counted by the pool")
    stats = {row["database"]: row for row in admin_show(site["pgbouncer_port"], "STATS")}
    assert stats[site["database"]]["total_xact_count"] > 0


def test_the_pool_runs_in_transaction_mode(site):
    pools = {row["database"]: row for row in admin_show(site["pgbouncer_port"], "POOLS")}
    assert pools[site["database"]]["pool_mode"] == "transaction"


def test_pgbouncer_mode_turns_off_prepared_statements_asked_for_in_the_url():
    database = dj_database_url.parse(
        "postgres://hindsight@127.0.0.1:6432/hindsight?server_side_binding=true&prepare_threshold=0"
    )
    assert behind_pgbouncer(database)["OPTIONS"]["prepare_threshold"] is None
