"""Demo runbooks, and open action items pointing at a runbook."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from postmortems.models import ActionItem, Postmortem
from runbooks.models import Runbook, RunbookUsage
from search.backends import search_documents
from search.query import parse_query

pytestmark = pytest.mark.django_db


def test_demo_runbooks_are_realistic_linked_searchable_and_idempotent():
    call_command("seed_demo", verbosity=0)
    counts = (Runbook.objects.count(), RunbookUsage.objects.count())
    assert 20 <= counts[0] <= 30
    assert all(r.services.exists() for r in Runbook.objects.all())
    assert all(r.tags.exists() for r in Runbook.objects.all())
    assert "## Emergency procedures" in Runbook.objects.get(title="Database connection exhaustion").body
    assert RunbookUsage.objects.filter(outcome="didnt_help").exists()
    assert RunbookUsage.objects.filter(outcome="missing", runbook__isnull=True).exists()
    assert Runbook.objects.due_for_review().exists()
    assert Runbook.objects.needs_update().exists()
    kinds = {doc.kind for doc in search_documents(parse_query("connection pool"))}
    assert {"runbook", "incident"} <= kinds
    call_command("seed_demo", verbosity=0)
    assert (Runbook.objects.count(), RunbookUsage.objects.count()) == counts


def test_runbook_page_lists_only_open_action_items_pointing_at_it(viewer_client, make_runbook, make_incident):
    runbook = make_runbook(title="Certificate renewal")
    postmortem = Postmortem(incident=make_incident(), title="Edge TLS outage", body="x")
    postmortem.save_revision(None)
    due = timezone.localdate() + timedelta(days=7)
    ActionItem.objects.create(
        postmortem=postmortem, title="Add renewal-job alert step", runbook=runbook, due_date=due
    )
    ActionItem.objects.create(
        postmortem=postmortem, title="Closed fix", runbook=runbook, status="done", completed_at=timezone.now()
    )
    ActionItem.objects.create(postmortem=postmortem, title="Unrelated item")
    html = viewer_client.get(runbook.get_absolute_url()).content.decode()
    assert "Open action items" in html
    assert "Add renewal-job alert step" in html
    assert "Closed fix" not in html
    assert "Unrelated item" not in html
