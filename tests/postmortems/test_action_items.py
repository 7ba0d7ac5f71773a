"""Action items: their own form, the review-meeting page, inline assignment, CSV export, my items."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Service
from postmortems.models import ActionItem
from postmortems.services import create_action_item
from runbooks.models import Runbook
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def section(page, key):
    """The HTML of one review-page section."""
    start = page.index(f'id="section-{key}"')
    end = page.find('<section class="card" id="section-', start + 1)
    return page[start : end if end != -1 else None]


def test_review_page_sorts_items_into_sections_with_counts(viewer_client, make_action_item, editor):
    today = timezone.localdate()
    make_action_item(title="Nobody owns this")
    make_action_item(title="Late one", owner=editor, due_date=today - timedelta(days=2))
    make_action_item(title="Due Friday", owner=editor, due_date=today + timedelta(days=3))
    make_action_item(title="Just finished", owner=editor, status=ActionItem.Status.DONE)
    make_action_item(title="Far future", owner=editor, due_date=today + timedelta(days=60))

    page = viewer_client.get(reverse("actions:review")).content.decode()

    assert "<strong>5</strong> open" not in page
    assert "<strong>4</strong> open" in page
    assert "<strong>1</strong> unowned" in page
    assert "<strong>1</strong> overdue" in page
    assert "Nobody owns this" in section(page, "unowned")
    assert "Late one" not in section(page, "unowned")
    assert "Late one" in section(page, "overdue")
    assert "Due Friday" in section(page, "due_soon")
    assert "Just finished" in section(page, "recently_closed")
    assert "Far future" not in page


def test_review_filters_narrow_every_section(viewer_client, make_incident, make_postmortem, editor):
    search = Service.objects.create(name="search-api", team="Discovery")
    other = make_postmortem(make_incident(services=[search]))
    create_action_item(postmortem=other, by=None, title="Reindex nightly")
    mine = make_postmortem()
    create_action_item(postmortem=mine, by=None, title="Pool alert", kind=ActionItem.Kind.DETECT)

    by_team = viewer_client.get(reverse("actions:review"), {"team": "Discovery"}).content.decode()
    assert "Reindex nightly" in by_team
    assert "Pool alert" not in by_team
    by_service = viewer_client.get(reverse("actions:review"), {"service": search.pk}).content.decode()
    assert "Reindex nightly" in by_service
    assert "Pool alert" not in by_service
    by_kind = viewer_client.get(reverse("actions:review"), {"kind": "detect"}).content.decode()
    assert "Pool alert" in by_kind
    assert "Reindex nightly" not in by_kind
    assert ">Eddie</option>" in by_kind  # the owner filter names people as everyone else does
    nobody = viewer_client.get(reverse("actions:review"), {"owner": "none"}).content.decode()
    assert "Pool alert" in nobody
    assert "Reindex nightly" in nobody


def test_due_range_and_bad_dates_do_not_break_the_page(viewer_client, make_action_item):
    today = timezone.localdate()
    make_action_item(title="In range", due_date=today + timedelta(days=2))
    make_action_item(title="Out of range", due_date=today + timedelta(days=20))
    page = viewer_client.get(
        reverse("actions:review"),
        {
            "due_after": str(today),
            "due_before": str(today + timedelta(days=5)),
        },
    ).content.decode()
    assert "In range" in page
    assert "Out of range" not in page
    bad = viewer_client.get(reverse("actions:review"), {"due_after": "not-a-date"})
    assert bad.status_code == 200
    assert "Enter a valid date" in bad.content.decode()


def test_assigning_an_owner_inline_returns_to_the_same_filtered_view(editor_client, make_action_item, editor):
    item = make_action_item(title="Nobody owns this")
    back_to = reverse("actions:review") + "?kind=prevent&owner=none"

    response = editor_client.post(
        reverse("actions:quick_update", args=[item.pk]),
        {
            "owner": editor.username,
            "status": "in_progress",
            "wont_do_reason": "",
            "next": back_to,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == back_to
    item.refresh_from_db()
    assert item.owner == editor
    assert item.status == "in_progress"
    row = editor_client.get(reverse("actions:list")).content.decode()
    assert f'id="owner-{item.pk}" list="owner-options" value="eddie"' in row


def test_review_rows_share_one_list_of_people(editor_client, make_action_item, editor):
    make_user("olga", last_name="Owner")
    first, second = make_action_item(title="First"), make_action_item(title="Second")
    page = editor_client.get(reverse("actions:review")).content.decode()
    assert page.count('<datalist id="owner-options">') == 1
    assert page.count('<option value="olga">Olga Owner</option>') == 1
    for item in (first, second):
        assert f'<label class="visually-hidden" for="owner-{item.pk}">Owner of {item.title}</label>' in page
        assert f'<input type="text" name="owner" id="owner-{item.pk}" list="owner-options" value=""' in page


@pytest.mark.parametrize("typed", ["olga", "OLGA", " Olga Owner "])
def test_owner_may_be_typed_as_username_or_full_name(editor_client, make_action_item, typed):
    olga = make_user("olga", last_name="Owner")
    item = make_action_item()
    response = editor_client.post(
        reverse("actions:quick_update", args=[item.pk]),
        {
            "owner": typed,
            "status": "open",
            "wont_do_reason": "",
            "next": reverse("actions:review"),
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.owner == olga


@pytest.mark.parametrize(
    "typed, error",
    [
        ("nobody-by-this-name", "Nobody called “nobody-by-this-name” can own items here"),
        ("Sam Same", "Several people are called “Sam Same”"),
    ],
)
def test_unknown_or_ambiguous_owner_is_refused_beside_the_field(
    editor_client, make_action_item, editor, typed, error
):
    for username in ("sam1", "sam2"):
        get_user_model().objects.create_user(username, first_name="Sam", last_name="Same")
    item = make_action_item(owner=editor)
    response = editor_client.post(
        reverse("actions:quick_update", args=[item.pk]),
        {
            "owner": typed,
            "status": "done",
            "wont_do_reason": "",
            "next": reverse("actions:review"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    owner_field = page[page.index('<label for="id_owner"') :]
    owner_field = owner_field[: owner_field.index("</div>")]
    assert error in owner_field  # beside the field, as typed
    assert f'value="{typed}"' in owner_field
    assert page.count('<datalist id="owner-options">') == 1
    item.refresh_from_db()
    assert item.owner == editor
    assert item.status == "open"


def test_clearing_the_owner_unassigns_and_a_departed_owner_is_kept(editor_client, make_action_item, editor):
    leaver = make_user("lee", is_active=False)
    kept = make_action_item(title="Owned by a leaver", owner=leaver)
    response = editor_client.post(
        reverse("actions:quick_update", args=[kept.pk]),
        {
            "owner": "lee",
            "status": "in_progress",
            "wont_do_reason": "",
        },
    )
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.owner == leaver
    assert kept.status == "in_progress"
    assert '<option value="lee">' not in editor_client.get(reverse("actions:review")).content.decode()
    cleared = make_action_item(title="Owned", owner=editor)
    editor_client.post(reverse("actions:quick_update", args=[cleared.pk]), {"owner": "  ", "status": "open"})
    cleared.refresh_from_db()
    assert cleared.owner is None
    refused = make_action_item(title="Newly given", owner=editor)
    editor_client.post(reverse("actions:quick_update", args=[refused.pk]), {"owner": "lee", "status": "open"})
    refused.refresh_from_db()
    assert refused.owner == editor  # nobody new is given to someone who has left


def test_inline_wont_do_without_reason_shows_the_error_beside_the_field(editor_client, make_action_item):
    item = make_action_item()
    response = editor_client.post(
        reverse("actions:quick_update", args=[item.pk]),
        {
            "owner": "",
            "status": "wont_do",
            "wont_do_reason": "",
            "next": reverse("actions:review"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say why this won" in page
    assert f'action="{reverse("actions:edit", args=[item.pk])}"' in page  # fixing it goes to the full form
    item.refresh_from_db()
    assert item.status == "open"


def test_quick_update_ignores_an_offsite_return_address(editor_client, make_action_item):
    item = make_action_item()
    response = editor_client.post(
        reverse("actions:quick_update", args=[item.pk]),
        {
            "owner": "",
            "status": "done",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("actions:review")


def test_viewer_cannot_change_action_items(viewer_client, make_action_item, editor):
    item = make_action_item()
    url = reverse("actions:quick_update", args=[item.pk])
    response = viewer_client.post(url, {"owner": editor.username, "status": "done"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.owner is None
    assert item.status == "open"
    assert 'id="owner-' not in viewer_client.get(reverse("actions:review")).content.decode()


def test_action_item_created_on_its_own_page_may_have_no_owner_and_link_a_runbook(
    editor_client, postmortem, editor
):
    runbook = Runbook(title="Checkout API runbook", slug="checkout-api")
    runbook.save_revision(editor)
    response = editor_client.post(
        reverse("actions:create") + f"?postmortem={postmortem.pk}",
        {
            "postmortem": postmortem.pk,
            "title": "Update the rollback section",
            "kind": "documentation",
            "priority": 2,
            "owner": "",
            "due_date": "",
            "status": "open",
            "runbook": runbook.pk,
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert item.owner is None
    assert item.runbook == runbook
    assert list(runbook.action_items.all()) == [item]
    page = editor_client.get(postmortem.get_absolute_url()).content.decode()
    assert "Update the rollback section" in page
    assert "Unowned" in page
    assert runbook.get_absolute_url() in page


def test_marking_done_records_completion_and_wont_do_needs_a_reason(editor_client, make_action_item):
    item = make_action_item()
    url = reverse("actions:edit", args=[item.pk])
    fields = {"title": item.title, "kind": "prevent", "priority": 3, "owner": "", "due_date": ""}
    refused = editor_client.post(url, {**fields, "status": "wont_do", "wont_do_reason": "  "})
    assert refused.status_code == 200
    assert "Say why this won" in refused.content.decode()
    editor_client.post(url, {**fields, "status": "done"})
    item.refresh_from_db()
    assert item.status == "done"
    assert item.completed_at is not None


def test_csv_export_has_the_filtered_items(viewer_client, make_action_item, editor):
    make_action_item(title="Owned, with a comma, in it", owner=editor, due_date=timezone.localdate())
    make_action_item(title="Unowned item")

    response = viewer_client.get(reverse("actions:export"), {"owner": editor.pk})

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:6] == ["id", "title", "kind", "priority", "status", "owner"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=False))
    assert row["title"] == "Owned, with a comma, in it"
    assert row["owner"] == "Eddie"
    assert row["team"] == "Payments"
    assert row["due_date"] == str(timezone.localdate())
    assert row["status"] == "Open"


def test_csv_export_keeps_formulas_as_text(viewer_client, make_action_item):
    make_action_item(title='=HYPERLINK("https://evil.example")')
    text = b"".join(viewer_client.get(reverse("actions:export")).streaming_content).decode()
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[1] == '\'=HYPERLINK("https://evil.example")'


def test_my_action_items_shows_only_mine(client, make_action_item, editor):
    me = make_user("mo")
    client.force_login(me)
    make_action_item(title="Mine to do", owner=me)
    make_action_item(title="Someone else's", owner=editor)
    make_action_item(title="Mine and finished", owner=me, status=ActionItem.Status.DONE)
    page = client.get(reverse("actions:mine")).content.decode()
    assert "Mine to do" in page
    assert "Mine and finished" in page
    assert "Someone else" not in page


def test_my_page_lists_postmortems_waiting_for_my_review(client, postmortem):
    me = make_user("rev")
    postmortem.reviewers.add(me)
    client.force_login(me)
    assert postmortem.title not in client.get(reverse("actions:mine")).content.decode()
    postmortem.submit_for_review()
    assert "waiting for your review" in client.get(reverse("actions:mine")).content.decode()


def test_section_list_paginates_and_keeps_filters(viewer_client, make_action_item):
    for number in range(30):
        make_action_item(title=f"Unowned {number}")
    review = viewer_client.get(reverse("actions:review")).content.decode()
    assert "Show all 30" in review
    listing = viewer_client.get(reverse("actions:list"), {"section": "unowned"}).content.decode()
    assert "30 action items" in listing
    assert 'href="?section=unowned&amp;page=after-' in listing


def populate(postmortem, users, how_many):
    today = timezone.localdate()
    ActionItem.objects.bulk_create(
        ActionItem(
            postmortem=postmortem,
            title=f"Item {n}",
            team="Payments",
            owner=users[n % len(users)] if n % 3 else None,
            due_date=today + timedelta(days=(n % 20) - 10),
            status=ActionItem.Status.DONE if n % 7 == 0 else ActionItem.Status.OPEN,
            completed_at=timezone.now() if n % 7 == 0 else None,
        )
        for n in range(how_many)
    )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["actions:review", "actions:list", "actions:mine"])
def test_action_item_pages_run_a_fixed_number_of_queries(editor_client, editor, postmortem, url_name):
    users = [editor, *(make_user(f"user{n}") for n in range(4))]
    populate(postmortem, users, 10)
    url = reverse(url_name)
    small = count_queries(editor_client, url)
    filtered_small = count_queries(editor_client, url + "?status=open&team=Payments")

    populate(postmortem, users, 290)
    assert ActionItem.objects.count() == 300
    assert count_queries(editor_client, url) == small
    assert count_queries(editor_client, url + "?status=open&team=Payments") == filtered_small
    assert small <= 15


def test_review_page_with_300_items_sends_the_owner_list_once(editor_client, editor, postmortem):
    users = [editor, *(make_user(f"user{n}", last_name=f"Person{n}") for n in range(40))]
    populate(postmortem, users, 300)
    page = editor_client.get(reverse("actions:review")).content.decode()
    rows = page.count('list="owner-options"')
    assert rows >= 75  # every section shows rows, each with its own owner input
    assert page.count("<datalist") == 1
    assert page.count('<option value="user7">User7 Person7</option>') == 1
    assert page.count(">User7 Person7</option>") == 2  # the datalist, and the filter sidebar's one select
    assert page.count('<select name="owner"') == 1
    assert page.count('name="status" id="status-') == rows


def test_postmortem_pages_run_a_fixed_number_of_queries(editor_client, editor, postmortem):
    users = [editor, *(make_user(f"user{n}") for n in range(4))]
    populate(postmortem, users, 3)
    urls = [
        postmortem.get_absolute_url(),
        reverse("postmortems:edit", args=[postmortem.pk]),
        reverse("postmortems:list"),
    ]
    small = [count_queries(editor_client, url) for url in urls]
    populate(postmortem, users, 40)
    assert [count_queries(editor_client, url) for url in urls] == small
