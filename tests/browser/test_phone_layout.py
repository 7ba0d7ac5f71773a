"""On a 390 × 844 phone every main page, an incident, a postmortem and a runbook fit the screen's width, and the
filters fold behind a "Filters" button (open beside the list on a laptop)."""

import pytest
from playwright.sync_api import expect

from incidents.models import Category, Incident
from meetings.models import Meeting
from postmortems.models import Postmortem
from runbooks.models import Runbook
from tests.site_walk import seed_site

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def organisation(transactional_db):
    seed_site()
    incident = Incident.objects.order_by("pk").first()
    incident.categories.add(Category.objects.create(name="Hardware/Power Failures"))


def nav_paths(page):
    return page.locator("nav.site-nav a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )


def meeting_paths():
    """The review meeting: history, start, a running meeting's agenda and step, an ended one's summary."""
    running, ended = Meeting.objects.open().first(), Meeting.objects.ended().first()
    return [
        "/meetings/",
        "/meetings/start/",
        running.get_absolute_url(),
        running.agenda.order_by("position").first().get_absolute_url(),
        ended.get_absolute_url(),
    ]


def test_every_main_page_fits_a_phone_screen(logged_in_page, live_server, organisation):
    page = logged_in_page
    page.set_viewport_size(PHONE)
    paths = [
        *nav_paths(page),
        Incident.objects.order_by("pk").first().get_absolute_url(),
        Postmortem.objects.order_by("pk").first().get_absolute_url(),
        Runbook.objects.order_by("pk").first().get_absolute_url(),
        "/search/?q=database",
        *meeting_paths(),
    ]
    too_wide = {}
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
    assert len(paths) >= 10
    assert too_wide == {}


def test_filters_fold_behind_a_button_on_a_phone(logged_in_page, live_server, organisation):
    page = logged_in_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/incidents/")
    expect(page.get_by_label("Title contains")).to_be_hidden()
    page.get_by_text("Filters", exact=True).click()
    expect(page.get_by_label("Title contains")).to_be_visible()


def test_filters_are_open_beside_the_list_on_a_laptop(logged_in_page, live_server, organisation):
    page = logged_in_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/incidents/")
    expect(page.get_by_label("Title contains")).to_be_visible()
