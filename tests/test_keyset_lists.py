"""Every long list walks by keyset: following "Next"/"Older" from the first page reaches the last row and shows
every row once, "Previous"/"Newer" walks back to the first page, the filters, sort and section ride along, a deep
page runs the queries page one runs, and the count stops at the cap ("5+") while the walk goes on.

One walker, parametrised over the lists and their sorts, sections and filters; the expected order is computed
here in Python from the rows, independently of the views' querysets."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from postmortems.models import ActionItem, Postmortem
from runbooks.models import Runbook

pytestmark = pytest.mark.django_db

PAGE_SIZE = 3
CAP = 5
DONE, IN_PROGRESS = ActionItem.Status.DONE, ActionItem.Status.IN_PROGRESS
OPEN = {ActionItem.Status.OPEN, IN_PROGRESS}


@pytest.fixture(autouse=True)
def small_pages(settings):
    """Three rows a page and a count cap of five: every list below is longer than the cap."""
    settings.HINDSIGHT_PAGE_SIZE = PAGE_SIZE
    settings.HINDSIGHT_LIST_COUNT_CAP = CAP


@pytest.fixture
def rows_everywhere(make_incident, viewer):
    """Postmortems, action items and runbooks with tied sort keys and NULLs where the columns allow them, plus
    a restricted incident's postmortem and items the viewer must never see."""
    now = timezone.now()
    today = timezone.localdate()
    incidents = [make_incident(title=f"Incident {n}") for n in range(11)]
    secret_incident = make_incident(title="Secret", restricted=True)
    postmortems = Postmortem.objects.bulk_create(
        Postmortem(
            incident=incident,
            title=f"Postmortem {n}",
            status=Postmortem.Status.DRAFT if n % 3 else Postmortem.Status.IN_REVIEW,
            created_at=now - timedelta(hours=n // 2),  # pairs tie: the walk must break ties on the id
        )
        for n, incident in enumerate(incidents)
    )
    secret = Postmortem.objects.create(incident=secret_incident, title="Secret postmortem")
    ActionItem.objects.bulk_create(
        ActionItem(
            postmortem=postmortems[n % 4],
            title=f"Item {n}",
            owner=viewer if n % 3 else None,
            due_date=None
            if n % 4 == 0
            else today + timedelta(days=(n % 6) - 3),  # overdue, due soon, undated
            priority=1 + n % 2,
            status=DONE if n % 5 == 0 else (IN_PROGRESS if n % 7 == 1 else ActionItem.Status.OPEN),
            completed_at=now - timedelta(days=n % 3) if n % 5 == 0 else None,
        )
        for n in range(40)
    )
    ActionItem.objects.bulk_create(
        ActionItem(postmortem=secret, title=f"Secret item {n}", owner=viewer if n % 2 else None)
        for n in range(4)
    )
    Runbook.objects.bulk_create(
        Runbook(
            title=f"{'ab'[n % 2]}{'B' if n % 3 else 'b'}-runbook {n // 4}",  # case differs, titles tie
            slug=f"runbook-{n}",
            owner_team="Payments" if n % 2 else "Platform",
            last_reviewed_at=None if n % 3 == 0 else now - timedelta(days=n // 4),
        )
        for n in range(13)
    )
    return {"viewer": viewer, "secret": secret}


def due_key(item: ActionItem) -> date:
    return item.due_date or date.max


def visible_items() -> list[ActionItem]:
    return list(ActionItem.objects.filter(postmortem__incident__restricted=False))


def reviewed_key(runbook: Runbook) -> float:
    return runbook.last_reviewed_at.timestamp() if runbook.last_reviewed_at else float("-inf")


def all_items(items: list[ActionItem]) -> list[ActionItem]:
    return sorted(items, key=lambda i: (i.status, due_key(i), i.priority, i.pk))


def by_due(items: list[ActionItem]) -> list[ActionItem]:
    return sorted(items, key=lambda i: (due_key(i), i.priority, i.pk))


def section(name: str) -> list[ActionItem]:
    today, since = timezone.localdate(), timezone.now() - timedelta(days=14)
    items = visible_items()
    open_items = [i for i in items if i.status in OPEN]
    if name == "unowned":
        return by_due([i for i in open_items if i.owner_id is None])
    if name == "overdue":
        return by_due([i for i in open_items if i.due_date and i.due_date < today])
    if name == "due_soon":
        return by_due(
            [i for i in open_items if i.due_date and today <= i.due_date <= today + timedelta(days=7)]
        )
    closed = [i for i in items if i.status not in OPEN and i.completed_at and i.completed_at >= since]
    return sorted(closed, key=lambda i: (i.completed_at, i.pk), reverse=True)


def postmortems(status: str | None = None) -> list[Postmortem]:
    rows = [p for p in Postmortem.objects.filter(incident__restricted=False) if status in (None, p.status)]
    return sorted(rows, key=lambda p: (p.created_at, p.pk), reverse=True)


def runbooks(sort: str = "title", team: str | None = None) -> list[Runbook]:
    rows = [r for r in Runbook.objects.all() if team in (None, r.owner_team)]
    if sort == "title":
        return sorted(rows, key=lambda r: (r.title.lower(), r.pk))
    if sort == "-title":
        return sorted(rows, key=lambda r: (r.title.lower(), -r.pk), reverse=True)
    if sort == "reviewed":
        return sorted(rows, key=lambda r: (reviewed_key(r), r.pk))
    return sorted(rows, key=lambda r: (-reviewed_key(r), r.pk))


@dataclass
class Case:
    url_name: str
    params: dict[str, str]
    expected: Any  # () -> the rows in the order the walk must show them

    def __str__(self) -> str:
        return f"{self.url_name}?{'&'.join(f'{k}={v}' for k, v in self.params.items())}"


CASES = [
    Case("postmortems:list", {}, postmortems),
    Case("postmortems:list", {"status": "draft"}, lambda: postmortems("draft")),
    Case("actions:list", {}, lambda: all_items(visible_items())),
    Case(
        "actions:list", {"priority": "1"}, lambda: all_items([i for i in visible_items() if i.priority == 1])
    ),
    *(
        Case("actions:list", {"section": key}, lambda key=key: section(key))
        for key in ("unowned", "recently_closed")
    ),
    Case("actions:list", {"section": "overdue", "status": "open"}, lambda: section("overdue")),
    Case("actions:mine", {}, lambda: by_due([i for i in visible_items() if i.status in OPEN and i.owner_id])),
    Case("runbooks:list", {}, runbooks),
    *(
        Case("runbooks:list", {"sort": sort}, lambda sort=sort: runbooks(sort))
        for sort in ("-title", "reviewed")
    ),
    Case(
        "runbooks:list", {"sort": "-reviewed", "team": "Payments"}, lambda: runbooks("-reviewed", "Payments")
    ),
]


def url_of(case: Case) -> str:
    query = "&".join(f"{key}={value}" for key, value in case.params.items())
    return f"{reverse(case.url_name)}?{query}" if query else reverse(case.url_name)


def link(response, rel: str) -> str | None:
    match = re.search(rf'href="([^"]*)" rel="{rel}"', response.content.decode())
    return response.wsgi_request.path + unescape(match.group(1)) if match else None


def walk(client, url: str | None, rel: str = "next") -> list:
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(response)
        url = link(response, rel)
    return pages


def shown(pages) -> list[int]:
    return [row.pk for page in pages for row in page.context["object_list"]]


@pytest.fixture(params=CASES, ids=str)
def case(request, rows_everywhere) -> Case:
    expected = request.param.expected()
    assert len(expected) > CAP  # the case must reach past the cap, or the walk proves little
    return request.param


def test_the_walk_shows_every_row_once_in_order(viewer_client, case):
    assert shown(walk(viewer_client, url_of(case))) == [row.pk for row in case.expected()]


def test_walking_back_returns_to_the_first_page(viewer_client, case):
    forward = walk(viewer_client, url_of(case))
    back = walk(viewer_client, link(forward[-1], "prev"), rel="prev")
    assert shown(back[-1:]) == shown(forward[:1])


def test_every_link_keeps_the_filters_sort_and_section(viewer_client, case):
    pages = walk(viewer_client, url_of(case))
    carried = {page.wsgi_request.GET.dict().items() >= case.params.items() for page in pages}
    assert carried == {True}


def test_a_deep_page_runs_the_queries_page_one_runs(viewer_client, case):
    deep = walk(viewer_client, url_of(case))[-1].wsgi_request.get_full_path()
    with CaptureQueriesContext(connection) as first:
        viewer_client.get(url_of(case))
    with CaptureQueriesContext(connection) as later:
        viewer_client.get(deep)
    assert len(later) == len(first)


def test_the_count_stops_at_the_cap(viewer_client, case):
    assert f"{CAP}+ " in viewer_client.get(url_of(case)).content.decode()


def test_a_page_number_from_an_older_link_opens_the_first_page(viewer_client, case):
    url = url_of(case)
    response = viewer_client.get(f"{url}{'&' if '?' in url else '?'}page=2")
    assert shown([response]) == [row.pk for row in case.expected()[:PAGE_SIZE]]


@pytest.mark.parametrize("url_name", ["postmortems:list", "actions:list", "actions:mine"])
def test_a_restricted_incidents_rows_never_appear(viewer_client, rows_everywhere, url_name):
    """The viewer owns some of the secret items, but is not on the restricted incident."""
    secret = rows_everywhere["secret"]
    hidden = (
        [secret.pk]
        if url_name == "postmortems:list"
        else list(secret.action_items.values_list("pk", flat=True))
    )
    assert set(shown(walk(viewer_client, reverse(url_name)))).isdisjoint(hidden)
