"""The runbook page is read through the shared cache (core.freshness), and never shows a stale fact: every kind of
write shows on the next request, "Due for review" appears the moment the review falls due, and one reader's copy
is never another's."""

from datetime import datetime, time, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from runbooks import services
from runbooks.models import RunbookUsage

pytestmark = pytest.mark.django_db


def page(client, runbook):
    return client.get(runbook.get_absolute_url())


@pytest.fixture
def clock(monkeypatch):
    """A clock that moves only when a test moves it, from today's local noon (no day ends during a test)."""
    state = SimpleNamespace(now=timezone.make_aware(datetime.combine(timezone.localdate(), time(12))))
    monkeypatch.setattr(timezone, "now", lambda: state.now)
    return state


def test_a_saved_version_shows_on_the_next_request(viewer_client, editor, make_runbook):
    runbook = make_runbook()
    page(viewer_client, runbook)
    runbook.body = "## Service overview\n\nRestart the pool.\n"
    services.save_runbook(runbook=runbook, by=editor, expected_version=runbook.version)
    assert b"Restart the pool." in page(viewer_client, runbook).content


def test_a_recorded_use_shows_on_the_next_request(viewer_client, editor, make_runbook, make_incident):
    runbook = make_runbook()
    incident = make_incident(title="Pool exhausted")
    page(viewer_client, runbook)
    services.record_runbook_usage(
        incident=incident, runbook=runbook, by=editor, outcome=RunbookUsage.Outcome.HELPED
    )
    assert [usage.incident for usage in page(viewer_client, runbook).context["usages"]] == [incident]


def test_a_use_in_a_newly_restricted_incident_is_hidden_at_once(
    viewer_client, editor, make_runbook, make_incident
):
    runbook = make_runbook()
    incident = make_incident(title="Pool exhausted")
    services.record_runbook_usage(
        incident=incident, runbook=runbook, by=editor, outcome=RunbookUsage.Outcome.HELPED
    )
    page(viewer_client, runbook)
    incident.restricted = True
    incident.save()
    assert page(viewer_client, runbook).context["usages"] == []


def test_one_readers_uses_are_not_shown_to_another(client, viewer, editor, make_runbook, make_incident):
    runbook = make_runbook()
    incident = make_incident(title="Credential leak", restricted=True)
    incident.people.add(editor)
    services.record_runbook_usage(
        incident=incident, runbook=runbook, by=editor, outcome=RunbookUsage.Outcome.HELPED
    )
    client.force_login(editor)
    page(client, runbook)
    client.force_login(viewer)
    assert page(client, runbook).context["usages"] == []


def test_due_for_review_appears_when_the_review_falls_due(viewer_client, editor, make_runbook, clock):
    runbook = make_runbook(review_interval_days=1)
    services.mark_reviewed(runbook=runbook, by=editor, now=clock.now - timedelta(days=1, minutes=-30))
    assert page(viewer_client, runbook).context["runbook"].is_due_for_review is False
    clock.now += timedelta(hours=1)
    assert page(viewer_client, runbook).context["runbook"].is_due_for_review is True
