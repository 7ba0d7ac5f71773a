"""The editor's previews (Markdown and the blameless check) are bounded: in size and in how often."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from core.limits import MAX_BODY_LENGTH

pytestmark = pytest.mark.django_db


@override_settings(HINDSIGHT_PREVIEW_RATE_PER_MINUTE=3)
def test_markdown_preview_is_rate_limited_per_person(viewer_client):
    statuses = [
        viewer_client.post(reverse("markdownx_markdownify"), {"content": "*hi*"}).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


@override_settings(HINDSIGHT_PREVIEW_RATE_PER_MINUTE=1)
def test_one_persons_previews_do_not_use_up_anothers(viewer, editor):
    first, second = Client(), Client()
    first.force_login(viewer)
    second.force_login(editor)
    first.post(reverse("markdownx_markdownify"), {"content": "a"})
    assert second.post(reverse("markdownx_markdownify"), {"content": "a"}).status_code == 200


@override_settings(HINDSIGHT_PREVIEW_RATE_PER_MINUTE=2)
def test_blameless_check_is_rate_limited_per_person(editor_client):
    url = reverse("postmortems:check_language")
    statuses = [editor_client.post(url, {"body": "human error"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_markdown_preview_of_oversized_text_says_the_limit(viewer_client):
    response = viewer_client.post(reverse("markdownx_markdownify"), {"content": "a" * (MAX_BODY_LENGTH + 1)})
    assert response.status_code == 400
    assert f"{MAX_BODY_LENGTH:,} characters".encode() in response.content


def test_blameless_check_of_oversized_text_names_the_field(editor_client):
    url = reverse("postmortems:check_language")
    response = editor_client.post(url, {"body": "a" * (MAX_BODY_LENGTH + 1)})
    assert response.json()["error"].startswith("body:")
