"""In a real browser: draft a status update from the incident page, edit it, post it, read it on /status/."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import Service, Status, StatusUpdate

pytestmark = pytest.mark.browser


def test_draft_edit_post_and_read_on_the_status_page(logged_in_page, live_server, make_incident):
    page = logged_in_page
    service = Service.objects.create(name="checkout-api", team="Payments")
    incident = make_incident(
        services=[service],
        status=Status.INVESTIGATING,
        severity=1,
        title="Pool exhausted after deploy 2024.11.3",
        customer_impact="Card payments fail for some customers.",
        started_at=timezone.now() - timedelta(minutes=50),
    )
    page.goto(f"{live_server.url}{incident.get_absolute_url()}")
    expect(page.locator(".cadence-flag")).to_contain_text("Update overdue")

    page.get_by_role("link", name="Draft status update").click()
    message = page.get_by_label("Message")
    expect(message).to_have_value(re.compile("We are aware of a problem affecting"))
    assert "checkout-api" in message.input_value()
    assert "Card payments fail for some customers." in message.input_value()
    page.get_by_label("Headline").fill("Card payments failing")
    message.fill("We are investigating failed card payments. Next update within 30 minutes.")
    page.get_by_role("button", name="Post update").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pool exhausted after deploy 2024.11.3")
    expect(page.locator(".messages")).to_contain_text("Initial posted on the public status page.")
    expect(page.locator(".cadence-flag")).to_have_count(0)
    assert StatusUpdate.objects.get().headline == "Card payments failing"

    page.goto(f"{live_server.url}/status/")
    expect(page.get_by_role("heading", name="Card payments failing")).to_be_visible()
    expect(page.get_by_text("We are investigating failed card payments.")).to_be_visible()
    expect(page.get_by_text("Pool exhausted after deploy")).to_have_count(0)
