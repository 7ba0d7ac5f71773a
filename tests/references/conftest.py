import pytest

from postmortems.models import Postmortem
from runbooks.models import Runbook


@pytest.fixture
def make_runbook(db):
    def build(title="Database failover", body="## Service overview\n", **fields):
        runbook = Runbook(title=title, body=body, **fields)
        runbook.save_revision(None)
        return runbook

    return build


@pytest.fixture
def write_postmortem(db, editor):
    def build(incident, body, title="Checkout outage review"):
        postmortem = Postmortem(incident=incident, title=title, body=body)
        postmortem.save_revision(editor)
        return postmortem

    return build
