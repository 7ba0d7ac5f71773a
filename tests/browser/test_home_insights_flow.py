"""In a real browser: Home's "unowned action items" leads to the review page with the same count, and the
Insights charts render."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import Category, Service
from postmortems.models import ActionItem, Postmortem

pytestmark = pytest.mark.browser


@pytest.fixture
def history(make_incident):
    service = Service.objects.create(name="checkout-api", team="Payments")
    deploys = Category.objects.create(name="bad deploy")
    now = timezone.now()
    first = make_incident(services=[service], categories=[deploys], started_at=now - timedelta(days=50))
    make_incident(services=[service], categories=[deploys], started_at=now - timedelta(days=10), severity=1)
    postmortem = Postmortem.objects.create(incident=first, title="Checkout outage postmortem")
    for title in ("Add a canary stage", "Alert on pool saturation", "Document the rollback"):
        ActionItem.objects.create(
            postmortem=postmortem, title=title, due_date=timezone.localdate() + timedelta(days=9)
        )
    ActionItem.objects.create(postmortem=postmortem, title="Owned already", owner=None, status="done")


def test_unowned_count_on_home_matches_the_review_page(logged_in_page, live_server, history):
    page = logged_in_page
    page.goto(f"{live_server.url}/")
    block = page.locator('[data-block="unowned_actions"]')
    expect(block.get_by_role("heading")).to_contain_text("Unowned action items")
    home_count = block.locator("[data-count]").inner_text()
    assert home_count == "3"

    block.get_by_role("link", name="Unowned action items: all 3 →").click()
    page.wait_for_url("**/action-items/review/**")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".ai-counts").get_by_role("link", name=f"{home_count} unowned")).to_be_visible()
    expect(page.get_by_role("link", name="Add a canary stage")).to_be_visible()


def test_insights_charts_render(logged_in_page, live_server, history):
    page = logged_in_page
    page.get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Insights")
    for name in ("MTTR trend per quarter", "Incidents per quarter by severity", "Incidents per category"):
        chart = page.get_by_role("img", name=name)
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box["width"] > 200, name
        assert box["height"] > 30, name
    # The bars are really drawn: one per severity present per quarter, one per category.
    categories = page.get_by_role("img", name="Incidents per category")
    expect(categories.locator("rect.chart-bar")).to_have_count(1)
    expect(categories.locator("rect.chart-bar--highlight")).to_have_count(1)  # the repeat, darker
    assert page.locator("svg.chart rect[class^='chart-sev']").count() >= 1
    # And each chart's numbers are in a table too.
    page.get_by_text("Data table").first.click()
    expect(page.locator("figure").first.get_by_role("table")).to_be_visible()
    # Repeat incidents are listed.
    expect(page.locator("#repeats-heading")).to_contain_text("1")
