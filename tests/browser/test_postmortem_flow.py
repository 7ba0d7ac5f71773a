import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import EDITOR
from incidents.models import Incident, Service, Status, TimelineEntry
from postmortems.models import ActionItem
from tests.conftest import make_user

pytestmark = pytest.mark.browser


def resolved_incident():
    started = timezone.now() - timedelta(days=1)
    incident = Incident.objects.create(
        title="Checkout pool exhaustion",
        severity=2,
        status=Status.RESOLVED,
        started_at=started,
        detected_at=started + timedelta(minutes=4),
        acknowledged_at=started + timedelta(minutes=9),
        mitigated_at=started + timedelta(minutes=30),
        resolved_at=started + timedelta(minutes=60),
    )
    incident.services.set([Service.objects.create(name="checkout-api", team="Payments")])
    TimelineEntry.objects.create(
        incident=incident,
        occurred_at=started + timedelta(minutes=20),
        kind="action",
        text="Raised pgbouncer pool size",
    )
    return incident


def test_write_a_postmortem_then_assign_its_action_item_at_the_review(logged_in_page, live_server):
    page = logged_in_page
    incident = resolved_incident()
    make_user("olga", EDITOR, last_name="Owner")

    page.goto(f"{live_server.url}{incident.get_absolute_url()}")
    page.get_by_role("button", name="Start postmortem").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Edit postmortem")
    body = page.get_by_label("Postmortem (Markdown)")
    expect(body).to_have_value(re.compile(r"## Timeline[\s\S]*Action: Raised pgbouncer pool size"))

    body.fill(
        "## Summary\n\nThe **connection pool** was sized for last year's traffic.\n\n"
        "## Contributing factors\n\nOps forgot to raise the limit."
    )
    preview = page.locator(".markdownx-preview")
    expect(preview.locator("p > strong")).to_have_text("connection pool")
    expect(preview).not_to_contain_text("Acknowledged")
    # The blameless check runs with each preview: a warning and a reframing, never a block.
    expect(page.locator("#blameless-findings")).to_contain_text("“forgot to”")
    expect(page.locator("#blameless-findings")).to_contain_text("checklist, automation or a default")
    expect(preview.locator("h2").first).to_have_text("Summary")

    page.get_by_label("Action item title").first.fill("Alert on pool saturation")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messages")).to_contain_text("Postmortem saved.")
    expect(page.locator(".messages")).to_contain_text("Blameless check: 1 phrase")
    item = ActionItem.objects.get()
    assert item.owner is None
    assert item.postmortem.version == 2
    assert "**connection pool**" in item.postmortem.body

    page.get_by_role("link", name="Action items").first.click()
    unowned = page.locator("#section-unowned")
    expect(unowned).to_contain_text("Alert on pool saturation")
    owner = unowned.get_by_label("Owner of Alert on pool saturation")
    # The row's owner field offers the page's one list of people (picking an option fills in its username).
    expect(owner).to_have_attribute("list", "owner-options")
    expect(page.locator("datalist#owner-options option[value='olga']")).to_have_text("Olga Owner")
    owner.fill("olga")
    unowned.get_by_role("button", name="Save").click()

    expect(page.locator(".messages")).to_contain_text("owner Olga Owner")
    expect(page.locator("#section-unowned")).not_to_contain_text("Alert on pool saturation")
    assert page.url.startswith(f"{live_server.url}/action-items/review/")
    item.refresh_from_db()
    assert item.owner.username == "olga"
