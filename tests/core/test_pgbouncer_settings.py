"""DATABASE_PGBOUNCER=1: the settings Django needs behind PgBouncer in transaction mode, read at start-up."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.env import behind_pgbouncer

PGBOUNCER_URL = "postgres://hindsight@127.0.0.1:6432/hindsight"


def database_settings(**environ):
    """DATABASES["default"] as a fresh process reads it from this environment."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_PGBOUNCER"}}
    code = "import json; from django.conf import settings as s; print(json.dumps(s.DATABASES['default']))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings", **environ},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, (json.loads(result.stdout) if result.returncode == 0 else result.stderr)


def test_pgbouncer_mode_turns_off_server_side_cursors_and_prepared_statements():
    returncode, database = database_settings(DATABASE_URL=PGBOUNCER_URL, DATABASE_PGBOUNCER="1")
    assert returncode == 0
    assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert database["OPTIONS"]["prepare_threshold"] is None


def test_without_pgbouncer_mode_postgresql_keeps_server_side_cursors():
    returncode, database = database_settings(DATABASE_URL=PGBOUNCER_URL)
    assert returncode == 0
    assert database.get("DISABLE_SERVER_SIDE_CURSORS", False) is False


def test_a_typo_in_pgbouncer_mode_stops_the_site_naming_the_variable():
    returncode, error = database_settings(DATABASE_URL=PGBOUNCER_URL, DATABASE_PGBOUNCER="yes please")
    assert returncode != 0
    assert "DATABASE_PGBOUNCER must be one of" in error


def test_pgbouncer_mode_needs_postgresql():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_PGBOUNCER"):
        behind_pgbouncer({"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"})


def test_pgbouncer_mode_keeps_other_connection_options():
    database = behind_pgbouncer(
        {"ENGINE": "django.db.backends.postgresql", "NAME": "hindsight", "OPTIONS": {"sslmode": "require"}}
    )
    assert database["OPTIONS"]["sslmode"] == "require"
