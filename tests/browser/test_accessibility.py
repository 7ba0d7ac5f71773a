"""axe-core finds no WCAG 2.2 A/AA violation on any page: desktop and phone width, light and dark, forms
showing their errors and the edit-conflict pages; the keyboard reaches the skip link and the inline actions.

The demo data is seeded once for the module and served by one live server; one browser page visits every page
in turn. The pages are every HTML page the URL resolver knows (sample values as in tests/test_permissions.py),
so a page added tomorrow is checked too. Empty states (a fresh database) are in test_accessibility_empty.py.
"""

import io
import re
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from accounts.roles import EDITOR
from incidents.models import Category, Incident, Service
from meetings.models import DueDateChange, Meeting
from postmortems.models import ActionItem
from runbooks.models import Runbook
from tests.browser.axe import axe_violations, load_axe_on_every_page
from tests.conftest import make_user
from tests.test_permissions import ALL_URLS, PARAMETER

# Each test runs in a transaction that is rolled back; the demo data under it is committed once per module.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Reached without logging in: checked as an anonymous visitor.
PUBLIC_PAGES = {
    "status:page",
    "status:incident",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    "password_reset_confirm",
}
# Pages with filters, sorting and a query applied show more than their bare address.
PAGES_WITH_QUERIES = [
    "/incidents/?severity=1&severity=2&status=investigating&sort=-started_at",
    "/action-items/review/?owner=none&status=open",
    "/runbooks/?due=1",
    "/search/?q=checkout",
]
DARK_MODE_PAGES = [
    "/",
    "/incidents/",
    "/incidents/{incident}/",
    "/postmortems/{postmortem}/edit/",
    "/action-items/review/",
    "/insights/",
    "/runbooks/",
    "/search/?q=checkout",
]
# Forms sent with their required text fields emptied, by the button that sends them.
FORMS_WITH_ERRORS = [
    ("/incidents/declare/", "Declare incident"),
    ("/incidents/{incident}/edit/", "Save incident"),
    ("/incidents/{incident}/updates/new/", "Post update"),
    ("/postmortems/{postmortem}/edit/", "Save"),
    ("/action-items/new/", "Save action item"),
    ("/runbooks/new/", "Save"),
    ("/accounts/password_change/", "Change password"),
]
EMPTY_REQUIRED_FIELDS = """button => {
    button.form.noValidate = true;
    const text = 'input[required]:not([type=hidden]):not([type=radio]):not([type=checkbox])';
    button.form.querySelectorAll(text + ', textarea[required]').forEach(field => { field.value = ''; });
}"""


@dataclass
class Site:
    url: str
    logged_in_pages: list[str]
    public_pages: list[str]
    objects: dict[str, object]

    def path(self, template: str) -> str:
        return template.format(**self.objects)


def parameter_samples() -> dict[tuple[str | None, str], object]:
    # An incident whose postmortem can still be edited (a published one is read-only until reopened).
    incident = Incident.objects.filter(postmortem__isnull=False).exclude(postmortem__status="published")
    incident = incident.order_by("pk").first()
    publicly_updated = Incident.objects.filter(status_updates__visibility="public").order_by("pk").first()
    without_postmortem = Incident.objects.filter(postmortem__isnull=True).order_by("pk").first()
    return {
        ("incidents", "pk"): incident.pk,
        ("status", "pk"): publicly_updated.pk,
        ("postmortems", "pk"): incident.postmortem.pk,
        ("postmortems", "incident_pk"): without_postmortem.pk,
        ("postmortems", "number"): 1,
        ("reviews", "pk"): incident.postmortem.pk,
        ("actions", "pk"): ActionItem.objects.order_by("pk").first().pk,
        ("runbooks", "slug"): Runbook.objects.order_by("pk").first().slug,
        ("runbooks", "number"): 1,
        ("runbooks", "incident_pk"): incident.pk,
        ("services", "pk"): Service.objects.order_by("pk").first().pk,
        ("categories", "pk"): Category.objects.order_by("pk").first().pk,
        # The running meeting (its agenda, a step with the decision form); the ended one is in meeting_pages().
        ("meetings", "pk"): Meeting.objects.open().order_by("pk").first().pk,
        ("meetings", "position"): 1,
        ("meetings", "item_pk"): DueDateChange.objects.order_by("pk").first().action_item_id,
        ("meetings", "team"): Meeting.objects.order_by("pk").first().team.name,
        (None, "uidb64"): "MQ",
        (None, "token"): "set-password",
    }


def meeting_pages() -> list[str]:
    """An ended meeting's summary and one of its steps (read-only, with the decisions recorded)."""
    ended = Meeting.objects.ended().order_by("pk").first()
    return [ended.get_absolute_url(), ended.agenda.order_by("position").first().get_absolute_url()]


def url_for(name: str, route: str, samples: dict) -> str | None:
    """The route with sample values filled in; None when a parameter has no sample (an upload's file name)."""
    namespace = name.split(":")[0] if ":" in name else None
    missing = []

    def sample(match: re.Match) -> str:
        value = samples.get((namespace, match["name"]), samples.get((None, match["name"])))
        if value is None:
            missing.append(match["name"])
        return str(value)

    url = "/" + PARAMETER.sub(sample, route)
    return None if missing else url


def html_pages(client: Client, names_and_routes, samples: dict) -> list[str]:
    """The addresses that answer a GET with an HTML page (not a redirect, a download, a feed or JSON)."""
    pages = []
    for name, route in names_and_routes:
        url = url_for(name, route, samples)
        if url is None:
            continue
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.append(url)
    return pages


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The demo data behind one live server for the whole module; emptied again afterwards."""
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=io.StringIO())
        make_user("casey", EDITOR)
        samples = parameter_samples()
        editor = Client()
        editor.login(username="casey", password="correct-horse-battery")
        logged_in = [(name, route) for name, route in ALL_URLS if name not in PUBLIC_PAGES]
        public = [(name, route) for name, route in ALL_URLS if name in PUBLIC_PAGES]
        objects = {
            "incident": samples["incidents", "pk"],
            "postmortem": samples["postmortems", "pk"],
            "runbook": samples["runbooks", "slug"],
        }
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield Site(
                url=server.url,
                logged_in_pages=html_pages(editor, logged_in, samples) + PAGES_WITH_QUERIES + meeting_pages(),
                public_pages=html_pages(Client(), public, samples),
                objects=objects,
            )
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def browser_context(browser, site):
    """One logged-in browser context for the module; its first page is reused by every test."""
    context = browser.new_context(viewport=DESKTOP)
    load_axe_on_every_page(context)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{site.url}/accounts/login/")
    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site.url}/")
    yield context
    context.close()


@pytest.fixture
def browser_page(browser_context):
    page = browser_context.pages[0]
    page.set_viewport_size(DESKTOP)
    page.emulate_media(color_scheme="light")
    return page


def violations_on(page, base_url: str, paths: list[str]) -> list[str]:
    report = []
    for path in paths:
        page.goto(base_url + path)
        if path.startswith("/api/docs/"):
            page.locator(
                "h1"
            ).wait_for()  # Swagger UI draws the page, its heading included, once the schema loads
        found = axe_violations(page)
        if found:
            report.append(f"{path}:")
            report.extend(found)
    return report


def test_every_page_passes_axe_at_desktop_width(browser_page, site):
    report = violations_on(browser_page, site.url, site.logged_in_pages)
    assert not report, "WCAG A/AA violations at 1280 px:\n" + "\n".join(report)


def test_every_page_passes_axe_at_phone_width(browser_page, site):
    browser_page.set_viewport_size(PHONE)
    report = violations_on(browser_page, site.url, site.logged_in_pages)
    assert not report, "WCAG A/AA violations at 390 px:\n" + "\n".join(report)


def test_main_pages_pass_axe_in_dark_mode(browser_page, site):
    browser_page.emulate_media(color_scheme="dark")
    assert browser_page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    report = violations_on(browser_page, site.url, [site.path(page) for page in DARK_MODE_PAGES])
    assert not report, "WCAG A/AA violations in dark mode:\n" + "\n".join(report)


def test_public_pages_pass_axe_for_anonymous_visitors(browser, site):
    context = browser.new_context(viewport=DESKTOP)
    load_axe_on_every_page(context)
    page = context.new_page()
    report = violations_on(page, site.url, site.public_pages)
    page.set_viewport_size(PHONE)
    report += violations_on(page, site.url, site.public_pages)
    page.emulate_media(color_scheme="dark")
    report += violations_on(page, site.url, ["/status/"])
    context.close()
    assert not report, "WCAG A/AA violations on public pages:\n" + "\n".join(report)


def test_forms_showing_their_errors_pass_axe(browser_page, site):
    report = []
    for path, button_name in FORMS_WITH_ERRORS:
        browser_page.goto(site.url + site.path(path))
        button = browser_page.get_by_role("button", name=button_name, exact=True)
        button.evaluate(EMPTY_REQUIRED_FIELDS)
        button.click()
        expect(browser_page.locator(".field-error, .form-errors").first).to_be_visible()
        found = axe_violations(browser_page)
        if found:
            report += [f"{path} with errors:", *found]
    assert not report, "WCAG A/AA violations on forms with errors:\n" + "\n".join(report)


@pytest.mark.parametrize("edit_page", ["/postmortems/{postmortem}/edit/", "/runbooks/{runbook}/edit/"])
def test_edit_conflict_page_passes_axe(browser_page, site, edit_page):
    """Two tabs open the same document and rewrite the same text; the second save cannot merge and shows the
    overlapping part from both sides (409)."""
    url = site.url + site.path(edit_page)
    other_tab = browser_page.context.new_page()
    other_tab.goto(url)
    browser_page.goto(url)
    browser_page.locator("textarea[name=body]").fill("The first tab's text, saved first.")
    browser_page.get_by_role("button", name="Save", exact=True).click()
    expect(browser_page.locator(".messages")).to_be_visible()
    other_tab.locator("textarea[name=body]").fill("A different text, saved from a stale copy.")
    with other_tab.expect_response(lambda response: response.url == url) as posted:
        other_tab.get_by_role("button", name="Save", exact=True).click()
    assert posted.value.status == 409
    other_tab.wait_for_load_state("load")  # the answer has arrived; its stylesheet may not have yet
    found = axe_violations(other_tab)
    other_tab.close()
    assert not found, "WCAG A/AA violations on the conflict page:\n" + "\n".join(found)


# What the keyboard focus is on, and whether it shows a ring that meets the 3:1 focus contrast of the palette.
FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return {
        tag: element.tagName.toLowerCase(), id: element.id, name: element.getAttribute("name") || "",
        label: (element.getAttribute("aria-label") || element.innerText || "").trim().slice(0, 60),
        ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
        inMain: element.closest("main") !== null,
    };
}"""


def tab_through(page, presses: int) -> list[dict]:
    """Where each Tab lands, until the presses run out or focus leaves the page's last control."""
    stops = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop["tag"] == "body":
            break
        stops.append(stop)
    return stops


def test_the_skip_link_takes_keyboard_users_to_the_main_content(browser_page, site):
    browser_page.bring_to_front()
    browser_page.goto(site.url + "/incidents/")
    first_stop = tab_through(browser_page, 1)[0]
    assert first_stop["label"] == "Skip to content"
    assert first_stop["ring"]
    expect(browser_page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
    browser_page.keyboard.press("Enter")
    assert browser_page.evaluate("document.activeElement.id") == "main"
    assert tab_through(browser_page, 1)[0]["inMain"]


def test_every_control_on_the_incident_page_is_reached_by_tab_and_shows_a_focus_ring(browser_page, site):
    browser_page.bring_to_front()
    browser_page.goto(site.url + site.path("/incidents/{incident}/"))
    stops = tab_through(browser_page, 80)
    names = {stop["name"] for stop in stops} | {stop["label"] for stop in stops}
    assert {"text", "status"} <= names, names  # the timeline box and the status change
    assert "Change status" in names
    assert [stop for stop in stops if not stop["ring"]] == []


def test_the_keyboard_leaves_the_postmortem_editor_for_the_live_preview(browser_page, site):
    browser_page.bring_to_front()
    browser_page.goto(site.url + site.path("/postmortems/{postmortem}/edit/"))
    browser_page.get_by_label("Postmortem (Markdown)").focus()
    browser_page.keyboard.press("Escape")  # Tab alone indents the Markdown; Esc first lets it move focus on
    assert tab_through(browser_page, 1)[0]["label"] == "Preview"


def test_an_owner_is_assigned_inline_with_the_keyboard_alone(browser_page, site):
    browser_page.bring_to_front()
    browser_page.goto(site.url + "/action-items/review/")
    owner = browser_page.locator("#section-unowned input[name=owner]").first
    item_pk = int(owner.get_attribute("id").removeprefix("owner-"))
    owner.focus()
    browser_page.keyboard.type("casey")
    stops = tab_through(browser_page, 2)
    assert [stop["id"] for stop in stops] == [f"status-{item_pk}", ""]
    assert stops[1]["label"].startswith("Save")
    assert all(stop["ring"] for stop in stops)
    browser_page.keyboard.press("Enter")
    expect(browser_page.locator(".messages")).to_contain_text("owner Casey")
    assert ActionItem.objects.get(pk=item_pk).owner.username == "casey"
