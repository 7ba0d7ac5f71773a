"""Empty states pass axe too: a fresh database, where every list, chart and block says it has nothing yet."""

import pytest

from tests.browser.axe import axe_violations

pytestmark = pytest.mark.browser

EMPTY_PAGES = [
    "/",
    "/incidents/",
    "/postmortems/",
    "/action-items/review/",
    "/action-items/",
    "/action-items/mine/",
    "/meetings/",
    "/meetings/start/",
    "/runbooks/",
    "/insights/",
    "/search/",
    "/search/?q=nothing-matches-this",
    "/status/",
]


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_empty_states_pass_axe(logged_in_page, live_server, viewport):
    page = logged_in_page
    page.set_viewport_size(viewport)
    report = []
    for path in EMPTY_PAGES:
        page.goto(live_server.url + path)
        found = axe_violations(page)
        if found:
            report += [f"{path}:", *found]
    assert not report, "WCAG A/AA violations on empty pages:\n" + "\n".join(report)
