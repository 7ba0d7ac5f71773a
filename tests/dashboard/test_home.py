"""Home: every block's count equals the length of the filtered list it links to."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from dashboard.attention import quarter_start
from incidents.models import Category, Incident, Status, StatusUpdate
from postmortems.models import ActionItem, Postmortem
from runbooks.models import Runbook, RunbookUsage

pytestmark = pytest.mark.django_db

BLOCK = re.compile(
    r'data-block="(?P<key>[a-z_]+)".*?data-count>(?P<count>\d+)<'
    r'.*?(?:class="more-link" href="(?P<url>[^"]+)"|</section>)',
    re.S,
)


def home_blocks(client):
    html = client.get(reverse("home")).content.decode()
    return {
        m["key"]: (int(m["count"]), m["url"] and m["url"].replace("&amp;", "&")) for m in BLOCK.finditer(html)
    }


def list_length(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    if response.resolver_match.view_name == "actions:review":
        return response.context["counts"]["unowned"]
    page = response.context["page_obj"]
    # The incident list pages by keyset and counts the whole list itself; the others through their paginator.
    return page.count if hasattr(page, "capped") else page.paginator.count


@pytest.fixture
def busy_world(make_incident, service, category, editor):
    now = timezone.now()
    owner = get_user_model().objects.create_user("olga", first_name="Olga")
    # Open incidents: one SEV-1 updated long ago (overdue), one SEV-3 fresh.
    stale = make_incident(
        services=[service], severity=1, status=Status.INVESTIGATING, started_at=now - timedelta(hours=3)
    )
    StatusUpdate.objects.create(
        incident=stale,
        kind="initial",
        visibility="public",
        status="investigating",
        headline="h",
        message="m",
        posted_at=now - timedelta(hours=2),
    )
    make_incident(
        services=[service], severity=3, status=Status.IDENTIFIED, started_at=now - timedelta(minutes=30)
    )
    # Resolved SEV-2s: one without a postmortem, one with an overdue draft, one published.
    make_incident(services=[service], severity=2, started_at=now - timedelta(days=5))
    late = make_incident(services=[service], severity=2, started_at=now - timedelta(days=6))
    draft = Postmortem.objects.create(incident=late, title="Late postmortem")
    done = make_incident(services=[service], severity=1, started_at=now - timedelta(days=7))
    published = Postmortem.objects.create(incident=done, title="Published one")
    published.publish(editor)
    today = timezone.localdate()
    ActionItem.objects.create(postmortem=draft, title="Nobody owns me", due_date=today + timedelta(days=3))
    ActionItem.objects.create(
        postmortem=draft, title="Late and owned", owner=owner, due_date=today - timedelta(days=2)
    )
    ActionItem.objects.create(
        postmortem=published, title="Late and unowned", due_date=today - timedelta(days=1)
    )
    ActionItem.objects.create(postmortem=published, title="Done", owner=owner, status="done")
    # Runbooks: one never reviewed, one reviewed yesterday, one reviewed but then reported unhelpful.
    Runbook.objects.create(title="Never reviewed", slug="never-reviewed", body="x")
    fresh = Runbook.objects.create(title="Fresh", slug="fresh", body="x")
    fresh.mark_reviewed(editor, now=now - timedelta(days=1))
    unhelpful = Runbook.objects.create(title="Unhelpful", slug="unhelpful", body="x")
    unhelpful.mark_reviewed(editor, now=now - timedelta(days=2))
    RunbookUsage.objects.create(incident=stale, runbook=unhelpful, outcome="didnt_help", recorded_at=now)
    # Categories this quarter.
    capacity = Category.objects.create(name="capacity")
    start = timezone.make_aware(timezone.datetime.combine(quarter_start(), timezone.datetime.min.time()))
    this_quarter = max(start, now - timedelta(days=1))
    for _ in range(2):
        make_incident(services=[service], categories=[capacity], severity=4, started_at=this_quarter)
    make_incident(services=[service], categories=[category], severity=4, started_at=this_quarter)


def test_every_count_on_home_equals_the_list_it_links_to(viewer_client, busy_world):
    blocks = home_blocks(viewer_client)
    expected = {
        "open_incidents": 2,
        "update_overdue": 1,
        "postmortems_overdue": 1,
        "missing_postmortem": 1,
        "unowned_actions": 2,
        "overdue_actions": 2,
        "runbooks_due": 1,
        "runbooks_need_update": 1,
        "recurring_categories": 1,
    }
    assert {key: count for key, (count, _) in blocks.items()} == expected
    for key, (count, url) in blocks.items():
        if key == "recurring_categories":
            continue
        assert list_length(viewer_client, url) == count, key


def test_recurring_category_links_to_exactly_its_incidents_this_quarter(viewer_client, busy_world):
    html = viewer_client.get(reverse("home")).content.decode()
    [(url, count)] = re.findall(r'href="([^"]+)" data-category-count="(\d+)"', html)
    assert "capacity" in html
    assert list_length(viewer_client, url.replace("&amp;", "&")) == int(count) == 2


def test_counts_match_the_named_querysets(viewer_client, busy_world):
    blocks = home_blocks(viewer_client)
    assert blocks["open_incidents"][0] == Incident.objects.open().count()
    assert blocks["update_overdue"][0] == Incident.objects.update_overdue().count()
    assert blocks["missing_postmortem"][0] == Incident.objects.missing_postmortem().count()
    assert blocks["postmortems_overdue"][0] == Postmortem.objects.overdue().count()
    assert blocks["unowned_actions"][0] == ActionItem.objects.unowned().count()
    assert blocks["overdue_actions"][0] == ActionItem.objects.overdue().count()
    assert blocks["runbooks_due"][0] == Runbook.objects.due_for_review().count()
    assert blocks["runbooks_need_update"][0] == Runbook.objects.needs_update().count()


def test_open_incident_shows_its_response_target_and_cadence(viewer_client, busy_world):
    html = viewer_client.get(reverse("home")).content.decode()
    assert "not acknowledged" not in html  # both open incidents were acknowledged by the factory
    assert "acked in 7 min (target 15 min)" in html
    assert "update overdue" in html


def test_quiet_home(viewer_client):
    html = viewer_client.get(reverse("home")).content.decode()
    assert "No open incidents. Enjoy the quiet." in html
    assert "Every open action item has an owner." in html


def test_quarter_start():
    assert quarter_start(date(2026, 11, 25)) == date(2026, 10, 1)
    assert quarter_start(date(2026, 3, 31)) == date(2026, 1, 1)
    assert quarter_start(date(2026, 4, 1)) == date(2026, 4, 1)


def test_home_needs_login(client):
    assert client.get(reverse("home")).status_code == 302
