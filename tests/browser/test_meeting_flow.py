"""A review meeting run in the browser: started from the filtered review page, stepped through with the keyboard,
one decision of each kind, ended, and the summary and the items' histories checked."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import Incident, Service
from meetings.models import Decision, DueDateChange, Meeting
from postmortems.models import ActionItem, Postmortem
from tests.conftest import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def payments_items(transactional_db):
    """Six Payments items (one unowned, three overdue, two due this week) and one of another team."""
    today = timezone.localdate()
    payments = Service.objects.create(name="checkout-api", team="Payments", tier=1)
    search = Service.objects.create(name="search-api", team="Search", tier=2)
    started = timezone.now() - timedelta(days=10)
    postmortems = {}
    for service in (payments, search):
        incident = Incident.objects.create(
            title=f"{service.name} errors",
            severity=2,
            started_at=started,
            detected_at=started,
            acknowledged_at=started,
            mitigated_at=started,
            resolved_at=started + timedelta(hours=1),
        )
        incident.services.set([service])
        postmortems[service.team] = Postmortem.objects.create(
            incident=incident, title=f"{service.name} outage", body="## Summary\nThe pool ran dry."
        )
    owner = make_user("pat")
    make_user("olga")
    rows = [
        ("Nobody has this", None, 20),
        ("Late: pool alert", owner, -3),
        ("Late: canary", owner, -2),
        ("Late: rollback", owner, -1),
        ("Soon: runbook", owner, 2),
        ("Soon: failover drill", owner, 3),
    ]
    items = {
        title: ActionItem.objects.create(
            postmortem=postmortems["Payments"],
            title=title,
            owner=who,
            due_date=today + timedelta(days=days),
            team="Payments",
        )
        for title, who, days in rows
    }
    ActionItem.objects.create(postmortem=postmortems["Search"], title="Search team's own item", team="Search")
    return items


def record(page, kind, **fields):
    page.get_by_label(kind, exact=True).check()
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".messages")).to_contain_text("Recorded")


def test_a_meeting_from_start_to_summary(logged_in_page, live_server, payments_items):
    page = logged_in_page
    page.goto(f"{live_server.url}/action-items/review/?team=Payments")
    page.get_by_role("link", name="Start meeting").click()
    expect(page.get_by_label("Team")).to_have_value("Payments")
    page.get_by_label("Olga").check()
    page.get_by_role("button", name="Start meeting").click()
    meeting = Meeting.objects.get()
    step = f"{live_server.url}/meetings/{meeting.pk}/items/"
    page.wait_for_url(f"{step}1/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nobody has this")

    page.keyboard.press("j")
    page.wait_for_url(f"{step}2/")
    page.keyboard.press("k")
    page.wait_for_url(f"{step}1/")
    page.keyboard.press("g")
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{step}3/")
    page.keyboard.press("p")
    page.wait_for_url(f"{step}2/")
    page.keyboard.press("p")
    page.wait_for_url(f"{step}1/")

    record(page, "Assigned", **{"Assign to": "olga"})
    page.wait_for_url(f"{step}2/")
    new_date = timezone.localdate() + timedelta(days=30)
    record(
        page, "New due date", **{"Due date moves to": new_date.isoformat(), "Reason": "Waiting on the vendor"}
    )
    record(page, "Closed: done")
    record(page, "Closed: won't do", Reason="The canary platform replaces it")
    record(page, "Escalated", Reason="Needs the platform lead")
    record(page, "Discussed, no change")
    page.wait_for_url(f"{step}7/")  # the postmortem, overdue: its incident was resolved 10 days ago
    expect(page.get_by_role("heading", level=1)).to_have_text("checkout-api outage")
    page.keyboard.press("j")  # past the last item: back to the agenda
    page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/")

    page.get_by_role("button", name="End meeting").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meeting summary")
    expect(page.locator("#decisions-heading + ol li")).to_have_count(6)
    expect(page.locator("section[aria-labelledby=assigned-heading]")).to_contain_text("Olga")
    expect(page.locator("section[aria-labelledby=slipped-heading]")).to_contain_text("Waiting on the vendor")

    items = {item.title: item for item in ActionItem.objects.all()}
    assert items["Nobody has this"].owner.username == "olga"
    assert items["Late: pool alert"].due_date == new_date
    assert items["Late: canary"].status == ActionItem.Status.DONE
    assert items["Late: rollback"].wont_do_reason == "The canary platform replaces it"
    assert DueDateChange.objects.get().meeting == meeting
    assert sorted(Decision.objects.filter(meeting=meeting).values_list("kind", flat=True)) == sorted(
        Decision.Kind.values
    )
    assert not Decision.objects.filter(action_item__title="Search team's own item").exists()
