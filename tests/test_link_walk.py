"""Follow every link and GET form a person can reach, as an Editor and as a Viewer, and check what comes back.

The walk (tests/site_walk.py) runs once per role over the demo organisation with five rows per page, so every
list has several pages. Each test below states one fact about everything the walk saw.
"""

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import transaction
from django.test import Client, override_settings

from accounts.roles import EDITOR, VIEWER
from tests.conftest import make_user
from tests.site_walk import MALFORMED_QUERY_MARKS, Visit, fetch, nav_urls, route_name, seed_site, walk_site

pytestmark = pytest.mark.django_db  # the walk itself runs in a module fixture, rolled back at its end

PAGED_LISTS = {"incidents:list", "postmortems:list", "actions:list", "runbooks:list", "search:search"}
# A person who searches: the walk types this into the search box as well as following the nav.
SEARCHED_WORDS = "database"
DJANGO_EMPTY_LABEL = "---------"


@dataclass
class Walk:
    visits: list[Visit] = field(default_factory=list)
    nav: list[str] = field(default_factory=list)
    next_pages: list[tuple[Visit, Visit]] = field(default_factory=list)  # (a page, what its "Next" opened)


@pytest.fixture(scope="module", params=[EDITOR, VIEWER])
def walk(request, django_db_setup, django_db_blocker):
    """One walk per role over freshly seeded data, rolled back afterwards."""
    result = Walk()
    fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(HINDSIGHT_PAGE_SIZE=5, PASSWORD_HASHERS=fast_hashing),
        transaction.atomic(),
    ):
        seed_site()
        client = Client()
        client.force_login(make_user(f"walker-{request.param.lower()}", request.param))
        result.nav = nav_urls(client)
        result.visits = list(walk_site(client, extra_starts=[f"/search/?q={SEARCHED_WORDS}"]))
        visited = {visit.url: visit for visit in result.visits}
        result.next_pages = [
            (visit, visited.get(next_url) or fetch(client, next_url, visit.url))
            for visit in result.visits
            if (next_url := visit.next_page_url())
        ]
        transaction.set_rollback(True)
    return result


def without_page(url):
    return sorted(
        (key, value) for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True) if key != "page"
    )


def test_every_page_reached_answers_without_an_error(walk):
    failures = [
        f"{v.url} → {v.status} (linked from {v.referrer})" for v in walk.visits if not 200 <= v.status < 400
    ]
    assert failures == []


def test_no_link_or_form_address_is_malformed(walk):
    malformed = [
        f"{address} on {visit.url}"
        for visit in walk.visits
        for address in [link.href for link in visit.links] + [form.action for form in visit.forms]
        if any(mark in address for mark in MALFORMED_QUERY_MARKS) or address.endswith("&")
    ]
    assert malformed == []


def test_the_walk_starts_from_every_page_in_the_navigation(walk):
    visited = {visit.url for visit in walk.visits}
    assert set(walk.nav) <= visited


def test_the_walk_pages_through_every_list(walk):
    assert {route_name(page.url) for page, _ in walk.next_pages} >= PAGED_LISTS


def test_the_walk_pages_through_filtered_lists(walk):
    filtered = {
        route_name(page.url)
        for page, _ in walk.next_pages
        if any(value for _, value in without_page(page.url))
    }
    assert filtered >= PAGED_LISTS


def test_next_opens_the_next_page(walk):
    wrong = [
        f"{page.url} → {after.url}: {after.status}" for page, after in walk.next_pages if after.status != 200
    ]
    assert wrong == []


def test_next_keeps_every_filter(walk):
    dropped = [
        f"{page.url} → {after.url}"
        for page, after in walk.next_pages
        if without_page(after.url) != without_page(page.url)
    ]
    assert dropped == []


def test_next_shows_different_rows(walk):
    same = [
        f"{page.url} → {after.url}"
        for page, after in walk.next_pages
        if after.first_row() == page.first_row()
    ]
    assert same == []


def test_next_shows_the_same_filter_values_in_the_form(walk):
    changed = [
        f"{page.url} → {after.url}"
        for page, after in walk.next_pages
        if after.get_form_values() != page.get_form_values()
    ]
    assert changed == []


def test_filter_selects_say_what_an_empty_choice_means(walk):
    dashes = {
        visit.url.split("?")[0]
        for visit in walk.visits
        for form in visit.forms
        if form.method == "get" and DJANGO_EMPTY_LABEL in form.empty_labels
    }
    assert dashes == set()
