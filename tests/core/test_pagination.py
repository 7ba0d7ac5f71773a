"""core.pagination.keyset_page on its own: orders that run one way (one row-value comparison) and orders that
mix directions (the comparison spelt out) walk every row once, either way; a cursor whose row has left the
filter still marks the place; the count stops at the cap."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Lower

from core.pagination import keyset_page
from runbooks.models import Runbook

pytestmark = pytest.mark.django_db

NEVER = Coalesce("last_reviewed_at", Value(datetime.min.replace(tzinfo=UTC)))


@pytest.fixture
def runbooks():
    now = datetime(2026, 11, 1, tzinfo=UTC)
    return Runbook.objects.bulk_create(
        Runbook(
            title=f"{'Ab'[n % 2]}-{n // 3}",  # titles tie in threes, upper and lower case mixed
            slug=f"runbook-{n}",
            owner_team="Payments" if n % 2 else "Platform",
            last_reviewed_at=None if n % 4 == 0 else now - timedelta(days=n % 3),
        )
        for n in range(10)
    )


def walk(queryset, rel="next", cursor=None):
    """Every row from `cursor` on, page by page in the direction of `rel`."""
    rows = []
    while True:
        page = keyset_page(queryset, anchors=Runbook.objects.all(), per_page=3, cursor=cursor)
        rows.append([runbook.pk for runbook in page.object_list])
        cursor = page.next_cursor if rel == "next" else page.previous_cursor
        if cursor is None:
            return rows


ORDERS = {
    "one way, expression first": [Lower("title").asc(), "id"],
    "one way, descending": [Lower("title").desc(), "-id"],
    "mixed directions": [Lower("title").desc(), "id"],
    "coalesced nullable key": [NEVER.asc(), "id"],
    "coalesced, mixed": [NEVER.desc(), Lower("title").asc(), "id"],
    "plain fields, one way": ["owner_team", "id"],
    "plain fields, mixed": ["owner_team", "-id"],
}


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_walking_forward_shows_every_row_once_in_order(runbooks, order):
    queryset = Runbook.objects.order_by(*order)
    assert sum(walk(queryset), []) == list(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_walking_back_from_the_last_page_shows_every_row_once(runbooks, order):
    queryset = Runbook.objects.order_by(*order)
    last = keyset_page(queryset, anchors=Runbook.objects.all(), per_page=3, cursor=None)
    while last.next_cursor:
        last = keyset_page(queryset, anchors=Runbook.objects.all(), per_page=3, cursor=last.next_cursor)
    back = walk(queryset, rel="previous", cursor=last.previous_cursor)
    expected = list(queryset.values_list("pk", flat=True))[: -len(last.object_list)]
    assert sum(reversed(back), []) == expected


def test_a_cursor_on_a_row_that_left_the_filter_still_marks_the_place(runbooks):
    everyone = list(Runbook.objects.order_by(Lower("title"), "id").values_list("pk", "owner_team"))
    gone = [pk for pk, team in everyone if team == "Platform"][2]  # a row the filter below leaves out
    queryset = Runbook.objects.filter(owner_team="Payments").order_by(Lower("title"), "id")
    page = keyset_page(queryset, anchors=Runbook.objects.all(), per_page=3, cursor=f"after-{gone}")
    later = [pk for pk, team in everyone[[pk for pk, _ in everyone].index(gone) + 1 :] if team == "Payments"]
    assert [runbook.pk for runbook in page.object_list] == later[:3]


def test_the_count_stops_at_the_cap(runbooks, settings):
    settings.HINDSIGHT_LIST_COUNT_CAP = 4
    page = keyset_page(Runbook.objects.order_by("id"), anchors=Runbook.objects.all(), per_page=3, cursor=None)
    assert (page.count, page.capped) == (4, True)


def test_an_order_that_does_not_end_on_the_primary_key_is_refused(runbooks):
    with pytest.raises(ValueError):
        keyset_page(
            Runbook.objects.order_by(F("title")), anchors=Runbook.objects.all(), per_page=3, cursor=None
        )
