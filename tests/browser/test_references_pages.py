"""The pages this feature adds or changes — "Mentioned in" on an incident, a postmortem and a runbook, and the
template choice when starting a postmortem — fit a 390 px phone and pass axe."""

import pytest

from incidents.models import Incident
from postmortems.models import Postmortem, PostmortemTemplate
from runbooks.models import Runbook
from tests.browser.axe import axe_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LONG_WORD = "connection-pool-exhaustion-on-the-primary-database-cluster-" * 3


@pytest.fixture
def linked(transactional_db):
    PostmortemTemplate.objects.get_or_create(  # the data migration's rows are gone after a flush
        name="Standard",
        defaults={"description": "Summary, impact, timeline.", "body": "## Summary\n", "is_default": True},
    )
    target = Incident.objects.create(title="Payments queue stuck", severity=2)
    runbook = Runbook(title="Database failover", body="## Overview\n")
    runbook.save_revision(None)
    source = Incident.objects.create(title="Checkout errors", severity=3, summary=f"Like INC-{target.pk}.")
    text = f"This looked like INC-{target.pk} {LONG_WORD} so we followed [[Database failover]] at once."
    Postmortem(incident=source, title="Checkout errors review", body=text).save_revision(None)
    own = Postmortem(incident=target, title="Payments review", body="Ours.")
    own.save_revision(None)
    without_postmortem = Incident.objects.create(title="Search slow", severity=3)
    return [
        target.get_absolute_url(),
        runbook.get_absolute_url(),
        own.get_absolute_url(),
        f"/postmortems/start/{without_postmortem.pk}/template/",
    ]


def test_mentions_and_template_choice_fit_a_phone_and_pass_axe(logged_in_page, live_server, linked):
    page = logged_in_page
    page.set_viewport_size(PHONE)
    problems = {}
    for path in linked:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        found = axe_violations(page) + ([f"  {width}px wide"] if width > PHONE["width"] else [])
        if found:
            problems[path] = found
    assert problems == {}
