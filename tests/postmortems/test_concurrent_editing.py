"""Two people editing one postmortem: saves merge three-way, only overlapping lines reach the conflict page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import EDITOR
from documents import presence
from documents.models import EditConflict
from postmortems import services
from tests.conftest import make_user
from tests.postmortems.test_authoring import edit_data

BASE = "## Summary\nThe pool was small.\n\n## Impact\nCheckout failed.\n\n## Lessons\nNone yet.\n"


@pytest.mark.django_db
class TestSavingPostmortems:
    """Through the service, as the API and the pages call it."""

    @pytest.fixture
    def people(self):
        return make_user("sam"), make_user("alex")

    def test_a_stale_save_to_another_section_is_merged(self, people, make_postmortem):
        sam, alex = people
        postmortem = make_postmortem(body=BASE)
        services.save_postmortem(
            postmortem=postmortem, by=sam, body=BASE.replace("small", "too small"), expected_version=1
        )
        stale = type(postmortem).objects.get(pk=postmortem.pk)
        services.save_postmortem(
            postmortem=stale,
            by=alex,
            body=BASE.replace("None yet.", "Alert."),
            expected_version=1,
            merge=True,
        )
        stale.refresh_from_db()
        assert stale.body == BASE.replace("small", "too small").replace("None yet.", "Alert.")

    def test_a_merged_save_names_whose_changes_it_took(self, people, make_postmortem):
        sam, alex = people
        postmortem = make_postmortem(body=BASE)
        services.save_postmortem(postmortem=postmortem, by=sam, body=BASE + "More.\n", expected_version=1)
        saved = services.save_postmortem(
            postmortem=type(postmortem).objects.get(pk=postmortem.pk),
            by=alex,
            body="Intro.\n" + BASE,
            expected_version=1,
            merge=True,
        )
        assert (saved.merged_with.author, saved.merged_with.base_version, saved.merged_with.version) == (
            sam,
            1,
            2,
        )

    def test_merging_keeps_every_revision(self, people, make_postmortem):
        sam, alex = people
        postmortem = make_postmortem(body=BASE)
        services.save_postmortem(postmortem=postmortem, by=sam, body=BASE + "More.\n", expected_version=1)
        services.save_postmortem(
            postmortem=type(postmortem).objects.get(pk=postmortem.pk),
            by=alex,
            body="Intro.\n" + BASE,
            expected_version=1,
            merge=True,
        )
        assert list(postmortem.revisions.values_list("number", "author__username")) == [
            (3, "alex"),
            (2, "sam"),
            (1, None),
        ]

    def test_an_overlapping_save_raises_the_conflict_with_its_hunks(self, people, make_postmortem):
        sam, alex = people
        postmortem = make_postmortem(body=BASE)
        services.save_postmortem(
            postmortem=postmortem, by=sam, body=BASE.replace("Checkout failed.", "Sam's."), expected_version=1
        )
        with pytest.raises(EditConflict) as raised:
            services.save_postmortem(
                postmortem=type(postmortem).objects.get(pk=postmortem.pk),
                by=alex,
                body=BASE.replace("Checkout failed.", "Alex's."),
                expected_version=1,
                merge=True,
            )
        assert [hunk.yours_text for hunk in raised.value.hunks] == ["Alex's.\n"]

    def test_resolutions_against_an_older_version_are_asked_again(self, people, make_postmortem):
        sam, alex = people
        postmortem = make_postmortem(body=BASE)
        services.save_postmortem(
            postmortem=postmortem, by=sam, body=BASE.replace("Checkout failed.", "Sam's."), expected_version=1
        )
        with pytest.raises(EditConflict):
            services.save_postmortem(
                postmortem=type(postmortem).objects.get(pk=postmortem.pk),
                by=alex,
                body=BASE.replace("Checkout failed.", "Alex's."),
                expected_version=1,
                merge=True,
                resolutions={0: "yours"},
                theirs_version=1,
            )


@pytest.fixture
def two_editors(db):
    """Sam and Alex, each logged in in their own browser."""
    sam, alex = make_user("sam", EDITOR), make_user("alex", EDITOR)
    clients = []
    for person in (sam, alex):
        client = Client()
        client.force_login(person)
        clients.append(client)
    return clients


@pytest.mark.django_db
def test_two_people_editing_different_sections_both_get_their_lines_in(two_editors, make_postmortem):
    sam, alex = two_editors
    postmortem = make_postmortem(body=BASE)
    url = reverse("postmortems:edit", args=[postmortem.pk])
    sam.post(url, edit_data(postmortem, BASE.replace("small.", "too small.")))
    response = alex.post(url, edit_data(postmortem, BASE.replace("None yet.", "Alert on saturation.")))
    assert response.status_code == 302
    postmortem.refresh_from_db()
    assert postmortem.body == BASE.replace("small.", "too small.").replace(
        "None yet.", "Alert on saturation."
    )


@pytest.mark.django_db
def test_a_merged_save_says_with_whose_changes_and_links_to_them(two_editors, make_postmortem):
    sam, alex = two_editors
    postmortem = make_postmortem(body=BASE)
    url = reverse("postmortems:edit", args=[postmortem.pk])
    sam.post(url, edit_data(postmortem, BASE.replace("small.", "too small.")))
    page = alex.post(url, edit_data(postmortem, BASE.replace("None yet.", "Alert.")), follow=True)
    diff_url = reverse("postmortems:revision_diff", args=[postmortem.pk, 1]) + "?against=2"
    assert "Merged with Sam’s changes saved at" in page.content.decode()
    assert f'href="{diff_url}"' in page.content.decode()


@pytest.mark.django_db
def test_the_merge_link_shows_their_change(two_editors, make_postmortem):
    sam, alex = two_editors
    postmortem = make_postmortem(body=BASE)
    url = reverse("postmortems:edit", args=[postmortem.pk])
    sam.post(url, edit_data(postmortem, BASE.replace("small.", "too small.")))
    alex.post(url, edit_data(postmortem, BASE.replace("None yet.", "Alert.")))
    diff = alex.get(reverse("postmortems:revision_diff", args=[postmortem.pk, 1]) + "?against=2")
    assert "The pool was too small." in diff.content.decode()


@pytest.mark.django_db
def test_overlapping_edits_show_only_the_overlapping_hunk(two_editors, make_postmortem):
    sam, alex = two_editors
    postmortem = make_postmortem(body=BASE)
    url = reverse("postmortems:edit", args=[postmortem.pk])
    sam.post(url, edit_data(postmortem, BASE.replace("Checkout failed.", "Checkout failed for Sam.")))
    response = alex.post(
        url,
        edit_data(
            postmortem, BASE.replace("Checkout failed.", "Checkout failed for Alex.").replace("None", "No")
        ),
    )
    assert response.status_code == 409
    hunks = response.context["hunks"]
    assert [(hunk.theirs_text, hunk.yours_text) for hunk in hunks] == [
        ("Checkout failed for Sam.\n", "Checkout failed for Alex.\n")
    ]


@pytest.mark.django_db
def test_the_conflict_page_keeps_the_whole_text_typed(two_editors, make_postmortem):
    sam, alex = two_editors
    postmortem = make_postmortem(body=BASE)
    url = reverse("postmortems:edit", args=[postmortem.pk])
    sam.post(url, edit_data(postmortem, BASE.replace("Checkout failed.", "Sam's.")))
    mine = BASE.replace("Checkout failed.", "Alex's.").replace("None yet.", "Alert.")
    response = alex.post(url, edit_data(postmortem, mine))
    assert response.context["form"]["body"].value() == mine


@pytest.mark.django_db
def test_picking_theirs_for_a_hunk_saves_theirs_and_the_rest_of_mine(two_editors, make_postmortem):
    sam, alex = two_editors
    postmortem = make_postmortem(body=BASE)
    url = reverse("postmortems:edit", args=[postmortem.pk])
    sam.post(url, edit_data(postmortem, BASE.replace("Checkout failed.", "Sam's.")))
    mine = BASE.replace("Checkout failed.", "Alex's.").replace("None yet.", "Alert.")
    alex.post(url, edit_data(postmortem, mine))
    response = alex.post(url, edit_data(postmortem, mine, **{"theirs_version": 2, "hunk-0": "theirs"}))
    assert response.status_code == 302
    postmortem.refresh_from_db()
    assert postmortem.body == BASE.replace("Checkout failed.", "Sam's.").replace("None yet.", "Alert.")


@pytest.mark.django_db
def test_presence_shows_who_else_is_editing(two_editors, make_postmortem):
    sam, alex = two_editors
    postmortem = make_postmortem(body=BASE)
    sam.get(reverse("postmortems:edit", args=[postmortem.pk]))
    sam.post(reverse("postmortems:presence", args=[postmortem.pk]))
    page = alex.get(reverse("postmortems:detail", args=[postmortem.pk])).content.decode()
    assert "Sam is editing — since" in page


@pytest.mark.django_db
def test_presence_does_not_name_yourself(two_editors, make_postmortem):
    sam, _ = two_editors
    postmortem = make_postmortem(body=BASE)
    response = sam.post(reverse("postmortems:presence", args=[postmortem.pk]))
    assert response.json()["text"] == ""


@pytest.mark.django_db
def test_presence_expires_a_minute_after_the_last_heartbeat(make_postmortem):
    postmortem = make_postmortem(body=BASE)
    kim = make_user("kim", EDITOR)
    presence.record_heartbeat(document=postmortem, user=kim, now=timezone.now() - timedelta(seconds=61))
    assert presence.editors(document=postmortem) == []


@pytest.mark.django_db
def test_viewers_cannot_send_a_heartbeat(viewer_client, make_postmortem):
    postmortem = make_postmortem(body=BASE)
    response = viewer_client.post(reverse("postmortems:presence", args=[postmortem.pk]))
    assert response.status_code == 403
