"""The bench's floors come from a bare Django project (perf/bare/): the same incidents table, no middleware."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from incidents.models import Incident
from perf.bare import BARE_FLOOR_PATH, BARE_HELLO_PATH

pytestmark = pytest.mark.django_db


def bare_project():
    """The bare project's URLs, middleware and templates, over this test's database."""
    from perf.bare import settings as bare

    return override_settings(
        ROOT_URLCONF=bare.ROOT_URLCONF, MIDDLEWARE=bare.MIDDLEWARE, TEMPLATES=bare.TEMPLATES
    )


@pytest.fixture
def sixty_incidents(make_incident):
    now = timezone.now()
    incidents = [make_incident(started_at=now - timedelta(hours=n)) for n in range(58)]
    # Two started at the same moment: the later id comes first, as in the incident list.
    incidents += [make_incident(started_at=now + timedelta(hours=1)) for _ in range(2)]
    return incidents


def test_the_bare_floor_lists_the_newest_fifty_incidents_of_the_incidents_table(sixty_incidents):
    with bare_project():
        response = Client().get(f"/{BARE_FLOOR_PATH}")
    newest = list(Incident.objects.order_by("-started_at", "-id").values_list("id", flat=True)[:50])
    assert [row["id"] for row in response.context["incidents"]] == newest


def test_the_bare_floor_shows_each_incidents_title(sixty_incidents):
    with bare_project():
        response = Client().get(f"/{BARE_FLOOR_PATH}")
    assert f"INC-{sixty_incidents[-1].pk} {sixty_incidents[-1].title}" in response.content.decode()


BARE_HELLO_SCRIPT = f"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
response = Client().get("/{BARE_HELLO_PATH}")
print(json.dumps({{
    "status": response.status_code,
    "body": response.content.decode(),
    "cookies": list(response.cookies),
    "headers": sorted(response.headers),
    "middleware": settings.MIDDLEWARE,
    "apps": settings.INSTALLED_APPS,
}}))
"""


@pytest.fixture(scope="module")
def bare_hello():
    """/bare/hello/ from the bare project's own settings module, in a process of its own."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "perf.bare.settings", "ALLOWED_HOSTS": "testserver"}
    run = subprocess.run(
        [sys.executable, "-c", BARE_HELLO_SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_the_bare_hello_says_hello(bare_hello):
    assert (bare_hello["status"], bare_hello["body"]) == (200, "hello")


def test_the_bare_project_runs_no_middleware(bare_hello):
    assert bare_hello["middleware"] == []


def test_the_bare_hello_sets_no_cookie(bare_hello):
    assert bare_hello["cookies"] == []


def test_the_bare_hello_sends_none_of_hindsights_security_headers(bare_hello):
    assert not {"Content-Security-Policy", "X-Frame-Options", "Vary"} & set(bare_hello["headers"])


def test_the_bare_project_installs_only_itself(bare_hello):
    assert bare_hello["apps"] == ["perf.bare"]
