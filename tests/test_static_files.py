"""Style sheets and scripts arrive in every mode, so the site never shows up unstyled.

`manage.py runserver` without DEBUG does not serve static files itself (whitenoise's `runserver_nostatic`), and
the tests run without DEBUG too: whatever the test client gets here, a first-time `runserver` gets as well.
"""

import re

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

ASSET = re.compile(r'<(?:link rel="stylesheet"|script) [^>]*(?:href|src)="(?P<url>/static/[^"]+)"')


@pytest.fixture
def assets_of_the_login_page():
    assert not settings.DEBUG
    page = Client().get("/accounts/login/").content.decode()
    return ASSET.findall(page)


def test_the_login_page_links_its_style_sheet_and_script(assets_of_the_login_page):
    assert {url.rsplit("/", 1)[-1] for url in assets_of_the_login_page} >= {"hindsight.css", "hindsight.js"}


def test_every_style_sheet_and_script_is_served_without_debug_or_login(assets_of_the_login_page):
    answers = {url: Client().get(url) for url in assets_of_the_login_page}
    assert {url: response.status_code for url, response in answers.items()} == dict.fromkeys(answers, 200)


def test_style_sheets_are_served_as_css(assets_of_the_login_page):
    style_sheets = [url for url in assets_of_the_login_page if url.endswith(".css")]
    assert {Client().get(url)["Content-Type"].split(";")[0] for url in style_sheets} == {"text/css"}
