"""The Content Security Policy is on in every mode: the site's own pages must not trip it anywhere."""

from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import Incident, Service, Status, TimelineEntry

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def main_page_urls(incident):
    urls = [
        reverse("home"),
        reverse("incidents:list"),
        incident.get_absolute_url(),
        reverse("incidents:edit", args=[incident.pk]),
        reverse("status:page"),
    ]
    for name in ("postmortems:list", "actions:review", "runbooks:list", "insights:index", "search:search"):
        try:
            urls.append(reverse(name))
        except NoReverseMatch:  # a section not built yet
            continue
    return urls


def test_main_pages_and_the_markdown_editor_run_without_policy_violations(logged_in_page, live_server):
    page = logged_in_page
    started = timezone.now() - timedelta(hours=3)
    incident = Incident.objects.create(
        title="Search latency",
        severity=2,
        status=Status.MONITORING,
        started_at=started,
        detected_at=started,
        acknowledged_at=started,
    )
    incident.services.set([Service.objects.create(name="search-api", team="Discovery")])
    TimelineEntry.objects.create(incident=incident, text="Scaled the search cluster")
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)

    for url in main_page_urls(incident):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__cspViolations") == [], url

    # The Markdown editor's live preview (markdownx's script, from our own origin) works under the policy.
    page.goto(f"{live_server.url}{incident.get_absolute_url()}")
    start = page.get_by_role("button", name="Start postmortem")
    if start.count():
        start.click()
        page.get_by_label("Postmortem (Markdown)").fill("## Impact\n\nSearches were **slow**.")
        expect(page.locator(".markdownx-preview")).to_contain_text("Searches were slow")
        expect(page.locator(".markdownx-preview h2")).to_have_text("Impact")
        expect(page.locator(".markdownx-preview p strong")).to_have_text("slow")
        assert page.evaluate("window.__cspViolations") == []
    assert not [text for text in console_errors if "Content Security Policy" in text]
