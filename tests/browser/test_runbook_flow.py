import re

import pytest
from playwright.sync_api import expect

from incidents.models import Service
from runbooks.models import Runbook, RunbookUsage

pytestmark = pytest.mark.browser


def test_find_a_runbook_review_it_and_flag_it_after_an_incident(logged_in_page, live_server, make_incident):
    page = logged_in_page
    db_service = Service.objects.create(name="orders-db", team="Data Platform")
    runbook = Runbook(
        title="Connection pool exhaustion",
        owner_team="Data Platform",
        body="## Service overview\n\nPgBouncer pools connections.\n\n## Emergency procedures\n\n"
        "```sh\nkubectl -n data rollout restart deploy/pgbouncer\n```\n",
    )
    runbook.save_revision(None)
    runbook.services.add(db_service)
    other = Runbook(title="High memory usage", body="Sometimes the connection pool grows and memory with it.")
    other.save_revision(None)
    incident = make_incident(title="Orders database connection exhaustion", services=[db_service])

    # Search from the header box; the title hit comes first.
    page.get_by_label("Search Hindsight").fill("connection pool")
    page.get_by_label("Search Hindsight").press("Enter")
    hits = page.locator(".search-group[aria-labelledby='group-runbook'] .search-hit__title")
    expect(hits.first).to_have_text("Connection pool exhaustion")
    expect(page.locator(".search-hit__snippet mark").first).to_be_visible()
    hits.first.click()

    # The runbook page: contents, a copy button on the code block; mark it reviewed.
    expect(page.get_by_role("heading", level=1)).to_have_text("Connection pool exhaustion")
    expect(page.get_by_role("navigation", name="Contents")).to_contain_text("Emergency procedures")
    expect(page.get_by_role("button", name="Copy this code")).to_be_visible()
    page.get_by_role("button", name="Mark reviewed").click()
    expect(page.locator(".messages")).to_contain_text("Marked reviewed")
    runbook.refresh_from_db()
    assert runbook.last_reviewed_at is not None
    expect(page.locator("#needs-update")).to_have_count(0)

    # On the incident, record that the runbook didn't help.
    page.goto(f"{live_server.url}{incident.get_absolute_url()}")
    panel = page.get_by_role("form", name="Record a runbook used")
    panel.get_by_label("Runbook").fill("connection-pool-exhaustion")
    panel.get_by_label("Did it help?").select_option(label="Didn't help")
    panel.get_by_label("Note").fill("The pool size in step 2 is wrong for pgbouncer 1.21")
    panel.get_by_role("button", name="Record").click()
    expect(page.locator("#runbooks-used")).to_contain_text("Didn't help")
    assert RunbookUsage.objects.get().outcome == "didnt_help"

    # The runbook is now flagged.
    page.locator("#runbooks-used").get_by_role("link", name="Connection pool exhaustion").click()
    expect(page.locator("#needs-update")).to_have_text("Needs update")
    expect(page.get_by_role("region", name="Used in incidents")).to_contain_text(
        "Orders database connection exhaustion"
    )


def test_write_a_new_runbook_with_live_preview(logged_in_page, live_server):
    page = logged_in_page
    page.goto(f"{live_server.url}/runbooks/")
    page.get_by_role("link", name="New runbook").click()
    body = page.get_by_label("Body")
    expect(body).to_have_value(re.compile(r"^## Service overview[\s\S]*## Escalation"))

    preview = page.locator(".markdownx-preview")
    # The outline's own preview renders first; typing before it arrives would race two previews.
    expect(preview).to_contain_text("Purpose:")

    page.get_by_label("Title").fill("Certificate renewal")
    page.get_by_label("Tags").fill("tls, cert-manager")
    body.fill("## Common issues\n\nRenew with **cert-manager** <script>window.hacked = 1</script>\n")
    expect(preview).not_to_contain_text(
        "Purpose:"
    )  # the preview followed the edit (it updates after a pause)
    expect(preview.locator("p > strong")).to_have_text("cert-manager")
    expect(preview.locator("script")).to_have_count(0)
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate renewal")
    expect(page.locator(".messages")).to_contain_text("Runbook created.")
    runbook = Runbook.objects.get()
    assert runbook.slug == "certificate-renewal"
    assert runbook.version == 1
    assert sorted(runbook.tags.values_list("name", flat=True)) == ["cert-manager", "tls"]
    assert page.evaluate("window.hacked === undefined")
