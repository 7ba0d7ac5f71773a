"""Services and categories managed outside the admin: Editors create, rename, edit aliases and merge; everyone
reads; a rename reaches search at once and a merge moves what the merged one had."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Category, Kind, Service, ServiceAlias
from postmortems.models import ActionItem, Postmortem
from runbooks.models import Runbook
from search.backends import search_documents
from search.query import parse_query


def found_titles(words, kind):
    return {document.title for document in search_documents(parse_query(words), kind=kind)}


@pytest.fixture
def runbook(service):
    runbook = Runbook(title="Checkout failover", body="## Overview")
    runbook.save_revision(None)
    runbook.services.set([service])
    return runbook


@pytest.fixture
def legacy(db):
    return Service.objects.create(name="legacy-checkout", team="Payments", tier=2)


def test_editors_create_a_service_with_aliases(editor_client):
    editor_client.post(
        reverse("services:create"),
        {
            "name": "ledger",
            "team": "Finance",
            "tier": 1,
            "description": "",
            "aliases": "ledger-api\nLedger-Prod",
        },
    )
    service = Service.objects.get(name="ledger")
    assert sorted(service.aliases.values_list("name", flat=True)) == ["ledger-api", "ledger-prod"]


def test_a_name_differing_only_in_case_is_refused(editor_client, service):
    response = editor_client.post(
        reverse("services:create"), {"name": "Checkout-API", "team": "Payments", "tier": 2, "aliases": ""}
    )
    assert response.status_code == 400
    assert Service.objects.count() == 1


def test_an_alias_of_another_service_is_refused_beside_the_field(editor_client, service, legacy):
    service.aliases.create(name="checkout")
    response = editor_client.post(
        reverse("services:edit", args=[legacy.pk]),
        {"name": "legacy-checkout", "team": "Payments", "tier": 2, "aliases": "checkout"},
    )
    assert response.context["form"].errors["aliases"]


def test_viewers_cannot_create_a_service(viewer_client):
    response = viewer_client.post(reverse("services:create"), {"name": "x", "team": "y", "tier": 1})
    assert response.status_code == 403


def test_renaming_a_service_reaches_the_search_index(editor_client, service, runbook, make_incident):
    make_incident(services=[service], title="Checkout errors")
    editor_client.post(
        reverse("services:edit", args=[service.pk]),
        {"name": "storefront", "team": "Payments", "tier": 1, "aliases": ""},
    )
    assert found_titles("storefront", "runbook") == {"Checkout failover"}
    assert len(found_titles("storefront", "incident")) == 1


def test_renaming_a_service_reaches_postmortems_and_action_items(editor_client, service, make_incident):
    postmortem = Postmortem(incident=make_incident(services=[service]), title="Pool exhausted", body="x")
    postmortem.save_revision(None)
    ActionItem.objects.create(postmortem=postmortem, title="Add pool alert")
    editor_client.post(
        reverse("services:edit", args=[service.pk]),
        {"name": "storefront", "team": "Payments", "tier": 1, "aliases": ""},
    )
    assert found_titles("storefront", "postmortem") == {"Pool exhausted"}
    assert found_titles("storefront", "action_item") == {"Add pool alert"}


def test_merging_moves_incidents_and_deletes_the_merged_service(
    editor_client, service, legacy, make_incident
):
    incident = make_incident(services=[legacy])
    editor_client.post(reverse("services:merge", args=[legacy.pk]), {"into": service.pk})
    assert list(incident.services.all()) == [service]
    assert not Service.objects.filter(pk=legacy.pk).exists()


def test_merging_keeps_an_incident_that_had_both_once(editor_client, service, legacy, make_incident):
    incident = make_incident(services=[service, legacy])
    editor_client.post(reverse("services:merge", args=[legacy.pk]), {"into": service.pk})
    assert list(incident.services.all()) == [service]


def test_merging_moves_runbooks(editor_client, service, legacy, runbook):
    runbook.services.set([legacy])
    editor_client.post(reverse("services:merge", args=[legacy.pk]), {"into": service.pk})
    assert list(runbook.services.all()) == [service]


def test_merging_moves_action_items_with_their_incidents(editor_client, service, legacy, make_incident):
    postmortem = Postmortem(incident=make_incident(services=[legacy]), title="Legacy outage", body="x")
    postmortem.save_revision(None)
    item = ActionItem.objects.create(postmortem=postmortem, title="Retire legacy checkout")
    editor_client.post(reverse("services:merge", args=[legacy.pk]), {"into": service.pk})
    assert ActionItem.objects.filter(postmortem__incident__services=service).get() == item


def test_merging_moves_aliases_and_keeps_the_old_name_as_one(editor_client, service, legacy):
    legacy.aliases.create(name="old-checkout")
    editor_client.post(reverse("services:merge", args=[legacy.pk]), {"into": service.pk})
    assert sorted(service.aliases.values_list("name", flat=True)) == ["legacy-checkout", "old-checkout"]


def test_a_merged_services_incidents_are_found_under_the_new_name(
    editor_client, service, legacy, make_incident
):
    make_incident(services=[legacy], title="Legacy timeouts")
    editor_client.post(reverse("services:merge", args=[legacy.pk]), {"into": service.pk})
    hits = search_documents(parse_query("Legacy timeouts"), kind="incident")
    assert [list(hit.services.values_list("name", flat=True)) for hit in hits] == [["checkout-api"]]


def test_viewers_cannot_merge(viewer_client, service, legacy):
    viewer_client.post(reverse("services:merge", args=[legacy.pk]), {"into": service.pk})
    assert Service.objects.filter(pk=legacy.pk).exists()


def test_the_service_page_shows_its_incidents_runbooks_and_team(
    viewer_client, service, runbook, make_incident
):
    make_incident(services=[service], title="Checkout errors")
    page = viewer_client.get(reverse("services:detail", args=[service.pk])).content.decode()
    assert "Checkout errors" in page
    assert "Checkout failover" in page
    assert reverse("notifications:team", args=["Payments"]) in page


def test_the_service_page_shows_time_to_resolve(viewer_client, service, make_incident):
    started = timezone.now() - timedelta(days=1)
    make_incident(services=[service], started_at=started, resolved_at=started + timedelta(minutes=90))
    response = viewer_client.get(reverse("services:detail", args=[service.pk]))
    assert response.context["mttr"].median == timedelta(minutes=90)


def test_the_service_page_lists_only_open_action_items(viewer_client, service, make_incident):
    postmortem = Postmortem(incident=make_incident(services=[service]), title="Outage", body="x")
    postmortem.save_revision(None)
    ActionItem.objects.create(postmortem=postmortem, title="Still to do")
    ActionItem.objects.create(postmortem=postmortem, title="Finished", status=ActionItem.Status.DONE)
    response = viewer_client.get(reverse("services:detail", args=[service.pk]))
    assert [item.title for item in response.context["open_action_items"]] == ["Still to do"]


def test_the_service_page_shows_time_between_failures(viewer_client, service, make_incident):
    started = timezone.now() - timedelta(days=10)
    make_incident(services=[service], started_at=started)
    make_incident(services=[service], started_at=started + timedelta(days=4))
    response = viewer_client.get(reverse("services:detail", args=[service.pk]))
    assert response.context["mtbf"].mean == timedelta(days=4)


def test_the_service_page_says_when_there_are_not_enough_incidents(viewer_client, service, make_incident):
    make_incident(services=[service])
    make_incident(services=[service], kind=Kind.DRILL)
    page = viewer_client.get(reverse("services:detail", args=[service.pk])).content.decode()
    assert "Not enough incidents" in page


def test_the_service_pages_leave_out_restricted_incidents(viewer_client, service, make_incident):
    started = timezone.now() - timedelta(days=10)
    make_incident(services=[service], started_at=started, title="Plain outage")
    hidden = make_incident(services=[service], started_at=started + timedelta(days=1), restricted=True)
    postmortem = Postmortem(incident=hidden, title="Secret", body="x")
    postmortem.save_revision(None)
    ActionItem.objects.create(postmortem=postmortem, title="Rotate keys")
    response = viewer_client.get(reverse("services:detail", args=[service.pk]))
    assert response.context["incident_count"] == 1
    assert response.context["open_action_items"] == []
    assert response.context["mtbf"].enough is False
    listed = viewer_client.get(reverse("services:list")).context["services"]
    assert [row.incident_count for row in listed] == [1]


def test_the_category_list_counts_only_visible_incidents(viewer_client, service, category, make_incident):
    make_incident(services=[service], categories=[category])
    make_incident(services=[service], categories=[category], restricted=True)
    listed = viewer_client.get(reverse("categories:list")).context["categories"]
    assert [row.incident_count for row in listed] == [1]


def test_incident_pages_link_to_their_services(viewer_client, service, make_incident):
    incident = make_incident(services=[service])
    page = viewer_client.get(incident.get_absolute_url()).content.decode()
    assert service.get_absolute_url() in page


def test_editors_add_a_category(editor_client):
    editor_client.post(reverse("categories:create"), {"name": "capacity", "description": ""})
    assert Category.objects.filter(name="capacity").exists()


def test_renaming_a_category_reaches_the_search_index(editor_client, category, make_incident, service):
    make_incident(services=[service], categories=[category], title="Checkout errors")
    editor_client.post(reverse("categories:edit", args=[category.pk]), {"name": "rollout", "description": ""})
    assert len(found_titles("rollout", "incident")) == 1


def test_merging_categories_relabels_their_incidents(editor_client, category, make_incident, service):
    duplicate = Category.objects.create(name="bad-deploy")
    incident = make_incident(services=[service], categories=[duplicate])
    editor_client.post(reverse("categories:merge", args=[duplicate.pk]), {"into": category.pk})
    assert list(incident.categories.all()) == [category]


def test_a_category_cannot_be_merged_into_itself(editor_client, category):
    response = editor_client.post(reverse("categories:merge", args=[category.pk]), {"into": category.pk})
    assert response.status_code == 400


def test_viewers_cannot_rename_a_category(viewer_client, category):
    viewer_client.post(reverse("categories:edit", args=[category.pk]), {"name": "renamed"})
    category.refresh_from_db()
    assert category.name == "bad deploy"


def test_aliases_are_kept_lower_case(editor_client, service):
    editor_client.post(
        reverse("services:edit", args=[service.pk]),
        {"name": "checkout-api", "team": "Payments", "tier": 1, "aliases": "Checkout\ncheckout"},
    )
    assert list(ServiceAlias.objects.values_list("name", flat=True)) == ["checkout"]


def test_an_imported_service_without_a_team_has_pages(viewer_client):
    service = Service.objects.create(name="github", team="")
    assert viewer_client.get(reverse("services:list")).status_code == 200
    assert viewer_client.get(service.get_absolute_url()).status_code == 200


def test_a_team_name_with_a_slash_is_shown_without_a_link(viewer_client):
    service = Service.objects.create(name="ledger", team="Payments/EU")
    assert "Payments/EU" in viewer_client.get(service.get_absolute_url()).content.decode()
