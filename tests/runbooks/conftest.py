import pytest

from runbooks.models import Runbook


@pytest.fixture
def make_runbook(db):
    """A saved runbook with one revision; override any field by keyword."""
    counter = {"n": 0}

    def build(services=(), tags=(), author=None, **fields):
        counter["n"] += 1
        fields.setdefault("title", f"Database connection exhaustion {counter['n']}")
        fields.setdefault("body", "## Service overview\n\nWhat this service does.\n")
        runbook = Runbook(**fields)
        runbook.save_revision(author)
        runbook.services.set(services)
        runbook.tags.set(tags)
        return runbook

    return build
