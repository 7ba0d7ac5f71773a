"""Two people editing one postmortem in two browsers: different sections merge, the same line asks."""

import pytest
from playwright.sync_api import expect

from accounts.roles import EDITOR
from postmortems.models import Postmortem
from tests.browser.test_postmortem_flow import resolved_incident
from tests.conftest import make_user

pytestmark = pytest.mark.browser

BODY = "## Summary\nThe pool was small.\n\n## Impact\nCheckout failed.\n\n## Lessons\nNone yet.\n"


def open_editor(browser, live_server, username, postmortem):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/postmortems/{postmortem.pk}/edit/")
    return page


@pytest.fixture
def two_editors(browser, live_server, transactional_db):
    make_user("sam", EDITOR)
    make_user("alex", EDITOR)
    postmortem = Postmortem(incident=resolved_incident(), title="Checkout pool exhaustion", body=BODY)
    postmortem.save_revision(None)
    sam = open_editor(browser, live_server, "sam", postmortem)
    alex = open_editor(browser, live_server, "alex", postmortem)
    yield postmortem, sam, alex
    sam.context.close()
    alex.context.close()


def edit_and_save(page, old, new):
    body = page.get_by_label("Postmortem (Markdown)")
    body.fill(body.input_value().replace(old, new))
    page.get_by_role("button", name="Save", exact=True).click()


def test_two_editors_of_different_sections_both_keep_their_lines(two_editors, live_server):
    postmortem, sam, alex = two_editors
    expect(alex.locator(".presence")).to_contain_text("Sam is editing — since")
    edit_and_save(sam, "The pool was small.", "The pool was sized for last year.")
    expect(sam.locator(".messages")).to_contain_text("Postmortem saved.")
    edit_and_save(alex, "None yet.", "Alert on pool saturation.")
    expect(alex.locator(".messages")).to_contain_text("Merged with Sam’s changes saved at")

    alex.goto(f"{live_server.url}/postmortems/{postmortem.pk}/")
    expect(alex.locator("article.postmortem")).to_contain_text("The pool was sized for last year.")
    expect(alex.locator("article.postmortem")).to_contain_text("Alert on pool saturation.")
    alex.goto(f"{live_server.url}/postmortems/{postmortem.pk}/history/")
    expect(alex.locator("tbody tr")).to_have_count(3)  # the start and the two saves


def test_two_editors_of_the_same_line_get_only_that_hunk(two_editors):
    _, sam, alex = two_editors
    edit_and_save(sam, "Checkout failed.", "Checkout failed for 20 minutes.")
    edit_and_save(alex, "Checkout failed.", "Checkout failed for every customer.")
    expect(alex.get_by_role("heading", level=1)).to_contain_text("Someone else saved this postmortem")
    expect(alex.locator(".conflict-hunk")).to_have_count(1)
    expect(alex.locator(".conflict-hunk [data-side=theirs]")).to_have_text(
        "Checkout failed for 20 minutes.\n"
    )
    expect(alex.locator(".conflict-hunk [data-side=yours]")).to_have_text(
        "Checkout failed for every customer.\n"
    )
