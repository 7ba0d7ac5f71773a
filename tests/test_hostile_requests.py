"""Feeds, cookies, headers, logs and oversized forms: what reaches a reader, a browser and the log."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from core.limits import MAX_BODY_LENGTH
from incidents.models import Status, StatusUpdate

pytestmark = pytest.mark.django_db


def test_feed_sends_status_messages_as_plain_text(client, make_incident, service):
    incident = make_incident(services=[service], status=Status.INVESTIGATING)
    StatusUpdate.objects.create(
        incident=incident,
        status=incident.status,
        headline="Payments failing",
        message="<img src=x onerror=alert(1)> we are on it",
    )
    body = client.get(reverse("status:feed")).content.decode()
    assert '<summary type="text">&lt;img src=x onerror=alert(1)&gt; we are on it</summary>' in body


def test_feed_marks_nothing_as_html(client, make_incident, service):
    incident = make_incident(services=[service], status=Status.INVESTIGATING)
    StatusUpdate.objects.create(incident=incident, status=incident.status, headline="x", message="y")
    assert 'type="html"' not in client.get(reverse("status:feed")).content.decode()


def test_csrf_cookie_is_http_only(client):
    client.get(reverse("login"))
    assert client.cookies["csrftoken"]["httponly"]


def test_pages_send_a_permissions_policy(client):
    policy = client.get(reverse("login"))["Permissions-Policy"]
    assert "camera=()" in policy


def test_a_refused_request_is_logged_in_one_line_without_a_traceback(viewer_client, caplog):
    viewer_client.get(reverse("incidents:declare"))
    [record] = [r for r in caplog.records if r.name == "django.request"]
    [console] = [
        h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler) and h.filters
    ]
    assert console.filter(record)
    assert "Traceback" not in console.format(record)


def test_a_form_too_large_to_read_gets_the_sites_413_page_naming_the_limit(editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    response = client.post(reverse("postmortems:check_language"), {"body": "a" * 20_000})
    assert response.status_code == 413
    assert f"{MAX_BODY_LENGTH:,} characters" in response.content.decode()


def test_the_document_editor_states_its_limit_without_a_truncating_maxlength(editor_client):
    html = editor_client.get(reverse("runbooks:create")).content.decode()
    assert f'data-max-length="{MAX_BODY_LENGTH}"' in html
