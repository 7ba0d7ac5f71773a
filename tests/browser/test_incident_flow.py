import pytest
from playwright.sync_api import expect

from incidents.models import Incident, Service

pytestmark = pytest.mark.browser


def test_declare_an_incident_and_keep_a_timeline(logged_in_page, live_server):
    page = logged_in_page
    Service.objects.create(name="checkout-api", team="Payments")

    page.get_by_role("link", name="Declare incident").first.click()
    page.get_by_label("Title").fill("Checkout returns 502 for EU customers")
    page.get_by_text("SEV-2", exact=True).click()
    page.get_by_label("Services").select_option(label="checkout-api")
    page.get_by_role("button", name="Declare incident").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout returns 502 for EU customers")
    incident = Incident.objects.get()
    assert incident.severity == 2

    box = page.get_by_label("Timeline entry", exact=True)
    box.fill("Error rate on checkout-api above 5%")
    box.press("Enter")
    expect(page.locator(".timeline")).to_contain_text("Error rate on checkout-api above 5%")
    # Focus returns to the box, so the scribe can keep typing.
    # (checked through activeElement: a headless window may not hold OS focus while tests run in parallel)
    page.wait_for_function("document.activeElement && document.activeElement.name === 'text'")
    page.get_by_label("Timeline entry", exact=True).fill("Rolled back payments-gateway to the previous build")
    page.get_by_label("Timeline entry", exact=True).press("Enter")

    timeline = page.locator(".timeline__text")
    expect(timeline).to_have_count(3)  # the declaration plus the two entries, newest last
    expect(timeline.nth(1)).to_have_text("Error rate on checkout-api above 5%")
    expect(timeline.nth(2)).to_have_text("Rolled back payments-gateway to the previous build")
