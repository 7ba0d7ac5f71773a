"""axe-core finds no WCAG 2.2 A/AA violation on any page, at desktop and phone width, light and dark.

The demo data is seeded once for the module and served by one live server; one browser page visits every page
in turn (a few hundred milliseconds each), so the whole walk takes well under a minute. The pages are every
HTML page the URL resolver knows (as in tests/test_permissions.py), so a page added tomorrow is checked too.
"""

import io
import re
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django.live_server_helper import LiveServer

from accounts.roles import EDITOR
from incidents.models import Incident
from postmortems.models import ActionItem, Postmortem
from runbooks.models import Runbook
from tests.browser.axe import assert_accessible, axe_violations
from tests.conftest import make_user
from tests.test_permissions import ALL_URLS, PARAMETER

# Each test runs in a transaction that is rolled back; the demo data under it is committed once per module.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Reached without logging in: checked as an anonymous visitor.
PUBLIC_PAGES = {"status:page", "status:incident", "login", "password_reset", "password_reset_done",
                "password_reset_complete", "password_reset_confirm"}
# Pages with filters, sorting and a query applied show more than their bare address.
PAGES_WITH_QUERIES = [
    "/incidents/?severity=1&severity=2&status=investigating&sort=-started_at",
    "/action-items/review/?owner=none&status=open",
    "/runbooks/?due=1",
    "/search/?q=checkout",
]
DARK_MODE_PAGES = ["/", "/incidents/", "/action-items/review/", "/insights/", "/runbooks/", "/status/"]


@dataclass
class Site:
    url: str
    logged_in_pages: list[str]
    public_pages: list[str]


def parameter_samples() -> dict[tuple[str | None, str], object]:
    incident = Incident.objects.filter(postmortem__isnull=False).order_by("pk").first()
    return {
        ("incidents", "pk"): incident.pk,
        ("status", "pk"): Incident.objects.filter(status_updates__visibility="public").order_by("pk").first().pk,
        ("postmortems", "pk"): Postmortem.objects.order_by("pk").first().pk,
        ("postmortems", "incident_pk"): Incident.objects.filter(postmortem__isnull=True).order_by("pk").first().pk,
        ("postmortems", "number"): 1,
        ("actions", "pk"): ActionItem.objects.order_by("pk").first().pk,
        ("runbooks", "slug"): Runbook.objects.order_by("pk").first().slug,
        ("runbooks", "number"): 1,
        ("runbooks", "incident_pk"): incident.pk,
        (None, "uidb64"): "MQ",
        (None, "token"): "set-password",
    }


def url_for(name: str, route: str, samples: dict) -> str | None:
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
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield Site(
                url=server.url,
                logged_in_pages=html_pages(editor, logged_in, samples) + PAGES_WITH_QUERIES,
                public_pages=html_pages(Client(), public, samples),
            )
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def browser_page(browser, site):
    """One logged-in browser page, reused by every test in the module."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{site.url}/accounts/login/")
    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site.url}/")
    yield page
    context.close()


def violations_on(page, base_url: str, paths: list[str]) -> list[str]:
    report = []
    for path in paths:
        page.goto(base_url + path)
        found = axe_violations(page)
        if found:
            report.append(f"{path}:")
            report.extend(found)
    return report


def test_every_page_passes_axe_at_desktop_width(browser_page, site):
    browser_page.set_viewport_size(DESKTOP)
    report = violations_on(browser_page, site.url, site.logged_in_pages)
    assert not report, "WCAG A/AA violations at 1280 px:\n" + "\n".join(report)


def test_every_page_passes_axe_at_phone_width(browser_page, site):
    browser_page.set_viewport_size(PHONE)
    report = violations_on(browser_page, site.url, site.logged_in_pages)
    browser_page.set_viewport_size(DESKTOP)
    assert not report, "WCAG A/AA violations at 390 px:\n" + "\n".join(report)


def test_main_pages_pass_axe_in_dark_mode(browser_page, site):
    browser_page.emulate_media(color_scheme="dark")
    report = violations_on(browser_page, site.url, DARK_MODE_PAGES)
    browser_page.emulate_media(color_scheme="light")
    assert not report, "WCAG A/AA violations in dark mode:\n" + "\n".join(report)


def test_public_pages_pass_axe_for_anonymous_visitors(browser, site):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    report = violations_on(page, site.url, site.public_pages)
    for size in (DESKTOP,):
        page.set_viewport_size(size)
        report += violations_on(page, site.url, site.public_pages)
    context.close()
    assert not report, "WCAG A/AA violations on public pages:\n" + "\n".join(report)
