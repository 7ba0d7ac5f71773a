"""Home and the action-item review page are cached (core.freshness), and no cached number is ever stale: every kind
of write shows on the next request, a figure that moves with the clock moves on time, and a reader never sees a
count or a row of an incident they may not see. Against the real Redis where there is one (conftest.shared_cache).
"""

import json
from datetime import UTC, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from incidents import services as incident_services
from incidents.models import Incident, Status
from postmortems import services as postmortem_services
from postmortems.models import ActionItem, Postmortem
from transfer.services import import_incident_history

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_cache")]

HOME = reverse("home")
REVIEW = reverse("actions:review")


def home(client):
    """{block: count} as Home shows them, "open" for the open incidents."""
    response = client.get(HOME)
    return {"open": response.context["open_count"], **response.context["counts"]}


def review(client, **filters):
    return client.get(REVIEW, filters).context["counts"]


@pytest.fixture
def world(make_incident, service, editor):
    """An open SEV-2 declared ten minutes ago; a resolved one with a draft postmortem and one unowned item."""
    now = timezone.now()
    open_incident = make_incident(
        services=[service], status=Status.INVESTIGATING, started_at=now - timedelta(minutes=10)
    )
    resolved = make_incident(services=[service], started_at=now - timedelta(days=1))
    postmortem, _ = postmortem_services.start_postmortem(incident=resolved, by=editor)
    item = postmortem_services.create_action_item(
        postmortem=postmortem,
        by=editor,
        title="Add canary",
        due_date=timezone.localdate() + timedelta(days=3),
    )
    return SimpleNamespace(open=open_incident, resolved=resolved, postmortem=postmortem, item=item)


# --- every kind of write -------------------------------------------------------------------------------------


def test_declaring_an_incident_shows_on_home_at_once(viewer_client, world, editor, service):
    before = home(viewer_client)["open"]
    incident_services.declare_incident(by=editor, title="Search slow", severity=2, services=[service])
    assert home(viewer_client)["open"] == before + 1


def test_resolving_an_incident_shows_on_home_at_once(viewer_client, world, editor):
    before = home(viewer_client)["open"]
    incident_services.change_status(incident=world.open, status=Status.RESOLVED, by=editor)
    assert home(viewer_client)["open"] == before - 1


def test_a_write_that_sends_no_signal_shows_on_home_at_once(viewer_client, world):
    before = home(viewer_client)["open"]
    Incident.objects.filter(pk=world.open.pk).update(status=Status.RESOLVED, resolved_at=timezone.now())
    assert home(viewer_client)["open"] == before - 1


def test_deleting_an_incident_shows_on_home_at_once(viewer_client, world):
    before = home(viewer_client)["open"]
    world.open.delete()
    assert home(viewer_client)["open"] == before - 1


def test_restricting_an_incident_hides_it_from_home_at_once(viewer_client, world, editor):
    before = home(viewer_client)["open"]
    incident_services.update_incident(incident=world.open, by=editor, restricted=True)
    assert home(viewer_client)["open"] == before - 1


def test_an_import_shows_on_home_at_once(viewer_client, world):
    before = home(viewer_client)["missing_postmortem"]
    record = {
        "external_id": "PD-7",
        "title": "Queue backlog",
        "severity": 2,
        "started_at": "2022-01-01T00:00:00Z",
        "resolved_at": "2022-01-01T03:00:00Z",
    }
    import_incident_history(
        content=json.dumps([record]).encode(), filename="h.json", file_format="json", zone=UTC
    )
    assert home(viewer_client)["missing_postmortem"] == before + 1


def test_closing_an_action_item_shows_on_home_at_once(viewer_client, world, editor):
    before = home(viewer_client)["unowned_actions"]
    postmortem_services.change_action_item_status(item=world.item, status=ActionItem.Status.DONE, by=editor)
    assert home(viewer_client)["unowned_actions"] == before - 1


def test_assigning_an_action_item_shows_on_home_at_once(viewer_client, world, editor):
    before = home(viewer_client)["unowned_actions"]
    postmortem_services.assign_action_item(item=world.item, owner=editor, by=editor)
    assert home(viewer_client)["unowned_actions"] == before - 1


def test_moving_a_due_date_into_the_past_shows_on_home_at_once(viewer_client, world, editor):
    before = home(viewer_client)["overdue_actions"]
    world.item.due_date = timezone.localdate() - timedelta(days=1)
    postmortem_services.save_action_item(item=world.item, by=editor)
    assert home(viewer_client)["overdue_actions"] == before + 1


def test_closing_an_action_item_shows_on_the_review_page_at_once(viewer_client, world, editor):
    before = review(viewer_client)
    postmortem_services.change_action_item_status(item=world.item, status=ActionItem.Status.DONE, by=editor)
    after = review(viewer_client)
    assert (after["open"], after["recently_closed"]) == (before["open"] - 1, before["recently_closed"] + 1)


def test_a_postmortem_sent_for_review_shows_on_the_review_page_at_once(viewer_client, world):
    """The list of postmortems waiting for review is cached as HTML with the page's other figures."""
    viewer_client.get(REVIEW)
    Postmortem.objects.filter(pk=world.postmortem.pk).update(status=Postmortem.Status.IN_REVIEW)
    page = viewer_client.get(REVIEW).content.decode()
    waiting = page.split('id="waiting-review-heading"')[1].split("</section>")[0]
    assert world.postmortem.title in waiting


def test_assigning_an_action_item_shows_on_the_review_page_at_once(viewer_client, world, editor):
    before = review(viewer_client)["unowned"]
    postmortem_services.assign_action_item(item=world.item, owner=editor, by=editor)
    assert review(viewer_client)["unowned"] == before - 1


def test_moving_a_due_date_shows_on_the_review_page_at_once(viewer_client, world, editor):
    before = review(viewer_client)
    world.item.due_date = timezone.localdate() - timedelta(days=1)
    postmortem_services.save_action_item(item=world.item, by=editor)
    after = review(viewer_client)
    assert (after["overdue"], after["due_soon"]) == (before["overdue"] + 1, before["due_soon"] - 1)


def test_deleting_an_action_item_shows_on_the_review_page_at_once(viewer_client, world, editor):
    before = review(viewer_client)["open"]
    postmortem_services.delete_action_item(item=world.item, by=editor)
    assert review(viewer_client)["open"] == before - 1


def test_restricting_an_incident_hides_its_items_from_the_review_page_at_once(viewer_client, world, editor):
    before = review(viewer_client)["open"]
    incident_services.update_incident(incident=world.resolved, by=editor, restricted=True)
    assert review(viewer_client)["open"] == before - 1


def test_an_imported_action_item_shows_on_the_review_page_at_once(viewer_client, world):
    before = review(viewer_client)["open"]
    record = {
        "external_id": "PD-8",
        "title": "Disk full",
        "severity": 3,
        "started_at": "2022-01-01T00:00:00Z",
        "resolved_at": "2022-01-01T03:00:00Z",
        "postmortem": "Body",
        "action_items": [{"title": "Alert on disk", "status": "open"}],
    }
    import_incident_history(
        content=json.dumps([record]).encode(), filename="h.json", file_format="json", zone=UTC
    )
    assert review(viewer_client)["open"] == before + 1


def test_a_hand_typed_team_is_offered_by_the_team_filter_at_once(viewer_client, world, editor):
    viewer_client.get(REVIEW)
    postmortem_services.create_action_item(
        postmortem=world.postmortem, by=editor, title="Docs", team="Docs guild"
    )
    assert '<option value="Docs guild">' in viewer_client.get(REVIEW).content.decode()


def test_a_new_colleague_is_offered_as_an_owner_at_once(editor_client, world):
    editor_client.get(REVIEW)
    get_user_model().objects.create_user("nadia", first_name="Nadia")
    assert '<option value="nadia">' in editor_client.get(REVIEW).content.decode()


def test_filtered_review_pages_are_cached_apart(viewer_client, world, editor):
    postmortem_services.create_action_item(
        postmortem=world.postmortem, by=editor, title="Owned", owner=editor
    )
    everyone = review(viewer_client)["open"]
    assert review(viewer_client, owner="none")["open"] == everyone - 1


def test_second_visits_reuse_the_figures(viewer_client, world, django_assert_max_num_queries):
    """The first visits run a dozen queries each; the next only the session, the user and its permissions."""
    viewer_client.get(HOME)
    viewer_client.get(REVIEW)
    with django_assert_max_num_queries(4):
        viewer_client.get(HOME)
    with django_assert_max_num_queries(4):
        viewer_client.get(REVIEW)


# --- the clock alone ---------------------------------------------------------------------------------------


def test_an_update_falls_overdue_on_home_when_its_cadence_passes(clock, viewer_client, world):
    before = home(viewer_client)["update_overdue"]
    clock.now += timedelta(hours=1)  # SEV-2: an update every hour; the last word was at detection
    assert home(viewer_client)["update_overdue"] == before + 1


def test_a_postmortem_falls_overdue_on_home_when_its_time_is_up(clock, viewer_client, world, settings):
    settings.HINDSIGHT_POSTMORTEM_DUE = timedelta(hours=23)  # resolved 22½ hours ago
    before = home(viewer_client)["postmortems_overdue"]
    clock.now += timedelta(hours=1)
    assert home(viewer_client)["postmortems_overdue"] == before + 1


def test_a_closed_item_leaves_recently_closed_when_its_fortnight_ends(clock, viewer_client, world, editor):
    postmortem_services.change_action_item_status(item=world.item, status=ActionItem.Status.DONE, by=editor)
    ActionItem.objects.filter(pk=world.item.pk).update(
        completed_at=clock.now - timedelta(days=14, minutes=-5)
    )
    before = review(viewer_client)["recently_closed"]
    clock.now += timedelta(minutes=10)
    assert (before, review(viewer_client)["recently_closed"]) == (1, 0)


def test_how_long_an_incident_has_been_open_moves_with_the_clock(clock, viewer_client, world):
    viewer_client.get(HOME)
    clock.now += timedelta(minutes=5)
    assert "open 15 min" in viewer_client.get(HOME).content.decode()


def test_an_unacknowledged_incident_breaches_its_target_on_a_cached_home(
    clock, viewer_client, make_incident, service
):
    make_incident(
        services=[service],
        severity=1,
        status=Status.INVESTIGATING,
        started_at=clock.now - timedelta(minutes=10),
        detected_at=clock.now - timedelta(minutes=10),
        acknowledged_at=None,
    )
    before = viewer_client.get(HOME).content.decode()
    clock.now += timedelta(minutes=10)
    after = viewer_client.get(HOME).content.decode()
    assert (
        "awaiting ack: 10 min of 15 min" in before,
        "not acknowledged, 15 min target breached" in after,
    ) == (
        True,
        True,
    )


def test_how_long_ago_an_incident_was_resolved_moves_with_the_clock(
    clock, viewer_client, make_incident, service
):
    make_incident(
        services=[service], severity=2, started_at=clock.now - timedelta(minutes=120)
    )  # resolved at 90
    before = viewer_client.get(HOME).content.decode()
    clock.now += timedelta(minutes=5)
    after = viewer_client.get(HOME).content.decode()
    assert ("resolved 30\xa0minutes ago" in before, "resolved 35\xa0minutes ago" in after) == (True, True)


# --- who may see what -----------------------------------------------------------------------------------------


def test_a_restricted_incident_is_counted_on_home_only_for_those_who_may_see_it(
    client, viewer, responder, make_incident, service
):
    make_incident(services=[service], status=Status.INVESTIGATING, restricted=True, commander=responder)
    seen = []
    for user in (viewer, responder, viewer, responder):
        client.force_login(user)
        seen.append(home(client)["open"])
    assert seen == [0, 1, 0, 1]


def test_a_restricted_incidents_items_are_counted_only_for_those_who_may_see_them(
    client, viewer, responder, world, editor
):
    incident_services.update_incident(
        incident=world.resolved, by=editor, restricted=True, commander=responder
    )
    seen = []
    for user in (viewer, responder, viewer, responder):
        client.force_login(user)
        seen.append(review(client)["open"])
    assert seen == [0, 1, 0, 1]


def test_a_restricted_incident_is_never_listed_to_an_outsider(
    client, viewer, responder, make_incident, service
):
    make_incident(
        services=[service],
        status=Status.INVESTIGATING,
        restricted=True,
        commander=responder,
        title="Quiet leak",
    )
    client.force_login(responder)
    client.get(HOME)
    client.force_login(viewer)
    assert "Quiet leak" not in client.get(HOME).content.decode()


def test_joining_the_security_group_shows_restricted_incidents_at_once(
    client, viewer, responder, make_incident, service, settings
):
    from django.contrib.auth.models import Group

    make_incident(services=[service], status=Status.INVESTIGATING, restricted=True, commander=responder)
    client.force_login(viewer)
    before = home(client)["open"]
    viewer.groups.add(Group.objects.get_or_create(name=settings.HINDSIGHT_SECURITY_GROUP)[0])
    assert (before, home(client)["open"]) == (0, 1)


# --- forms on a cached page ---------------------------------------------------------------------------------


def test_the_cached_review_page_carries_each_readers_own_working_csrf_token(world, editor, responder):
    import re

    from django.contrib.auth.models import Permission
    from django.test import Client

    responder.user_permissions.add(Permission.objects.get(codename="change_actionitem"))
    clients, tokens = {}, {}
    for user in (editor, responder):  # the second reader is served the sections cached for the first
        clients[user.username] = client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        page = client.get(REVIEW).content.decode()
        tokens[user.username] = re.search(
            rf'action="/action-items/{world.item.pk}/quick/".*?value="([^"]+)"', page, re.S
        )[1]
    answers = {
        name: client.post(
            reverse("actions:quick_update", args=[world.item.pk]),
            {"owner": name, "status": "open", "csrfmiddlewaretoken": tokens[name]},
        ).status_code
        for name, client in clients.items()
    }
    assert answers == {editor.username: 302, responder.username: 302}


def test_without_a_shared_cache_each_visit_computes_the_pages_afresh(viewer_client, world, editor, settings):
    settings.HINDSIGHT_DASHBOARD_CACHE = False
    before = (home(viewer_client)["unowned_actions"], review(viewer_client)["unowned"])
    ActionItem.objects.filter(pk=world.item.pk).update(owner=editor)
    assert (before, (home(viewer_client)["unowned_actions"], review(viewer_client)["unowned"])) == (
        (1, 1),
        (0, 0),
    )


def test_the_team_filter_offers_every_team_once_in_alphabetical_order(world, editor, service):
    from incidents.models import Service
    from postmortems.filters import team_choices

    Service.objects.create(name="search-api", team="discovery")
    for team in ("Docs guild", "Payments", "docs guild", "Zebra"):
        postmortem_services.create_action_item(postmortem=world.postmortem, by=editor, title=team, team=team)
    assert [team for team, _ in team_choices()] == [
        "discovery",
        "Docs guild",
        "docs guild",
        "Payments",
        "Zebra",
    ]
