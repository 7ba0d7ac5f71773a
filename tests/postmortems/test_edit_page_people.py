"""The edit page's lists of people (authors, reviewers, the action items' owner suggestions) are built once per
list of names and reused: a renamed or new person shows at once."""

import pytest
from django.urls import reverse

from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def edit_page(client, postmortem):
    return client.get(reverse("postmortems:edit", args=[postmortem.pk])).content.decode()


def test_a_renamed_person_shows_their_new_name_on_the_edit_page(editor_client, postmortem):
    person = make_user("pat")
    edit_page(editor_client, postmortem)  # the lists are built and kept
    person.first_name, person.last_name = "Patricia", "Okafor"
    person.save()
    page = edit_page(editor_client, postmortem)
    assert '<option value="pat">Patricia Okafor</option>' in page
    assert f'<option value="{person.pk}">Patricia Okafor</option>' in page


def test_a_new_person_can_be_picked_on_the_edit_page(editor_client, postmortem):
    edit_page(editor_client, postmortem)
    person = make_user("newton")
    page = edit_page(editor_client, postmortem)
    assert f'<option value="{person.pk}">Newton</option>' in page


def test_the_authors_stay_selected(editor_client, postmortem, editor):
    postmortem.authors.add(editor)
    page = edit_page(editor_client, postmortem)
    assert f'<option value="{editor.pk}" selected>Eddie</option>' in page
