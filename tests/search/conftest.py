import pytest
from django.db import connection

from runbooks.models import Runbook

# Where PostgreSQL's full-text search and SQLite's FTS5 legitimately give different answers.
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text behaviour")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 behaviour")


@pytest.fixture
def make_runbook(db):
    def build(title, body="", services=(), **fields):
        runbook = Runbook(title=title, body=body, **fields)
        runbook.save_revision(None)
        runbook.services.set(services)
        return runbook

    return build


@pytest.fixture
def filler_runbooks(make_runbook):
    """Unrelated documents, so term statistics (bm25's IDF) look like a real library's."""
    topics = [
        "Kafka consumer lag",
        "Redis eviction storm",
        "DNS resolution failures",
        "Cron job stuck",
        "Elasticsearch yellow cluster",
        "Disk latency on nodes",
    ]
    return [make_runbook(t, f"## Overview\n\nWhat to do about {t.lower()}.") for t in topics]
