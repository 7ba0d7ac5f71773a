"""Real-browser tests: Playwright driving Debian's Chromium against Django's live server."""

import os
import shutil

import pytest

# Debian's chromium when there is one (`make browser` installs it with apt); otherwise Playwright's own build.
CHROMIUM = os.environ.get("HINDSIGHT_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if CHROMIUM and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM} (HINDSIGHT_CHROMIUM): `make browser` installs one.")
    return {
        **browser_type_launch_args,
        **({"executable_path": CHROMIUM} if CHROMIUM else {}),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def logged_in_page(page, live_server, transactional_db):
    """A browser page logged in as a responder/editor with a known password."""
    from accounts.roles import EDITOR
    from tests.conftest import make_user

    make_user("casey", EDITOR)
    page.set_default_timeout(30_000)  # generous: CI machines are shared and sometimes slow
    page.bring_to_front()  # a headless window starts without focus; autofocus needs it
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page
