"""Production hardening: deploy checks, security headers, CSP-safe templates, login throttling, database outages."""

import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from incidents.views import IncidentListView

PRODUCTION_ENV = {
    "PRODUCTION": "1",
    "SECRET_KEY": "x7#q-production-like-secret-key-for-the-deploy-check-0123456789abcdef",
    "ALLOWED_HOSTS": "hindsight.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://hindsight.example.com",
}


def run_manage(*args, env_overrides):
    # The test process allows async-unsafe ORM use for Playwright; a deployment must not (async.E001).
    unwanted = {"DEBUG", "PRODUCTION", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_in_production_mode():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_mode_refuses_to_start_with_a_weak_secret_key():
    result = run_manage("check", env_overrides={**PRODUCTION_ENV, "SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_mode_serves_hashed_static_files():
    code = (
        "from django.conf import settings; from django.core.files.storage import storages;"
        "print(type(storages['staticfiles']).__name__, settings.SESSION_COOKIE_SECURE,"
        " settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS > 0)"
    )
    env = {**os.environ, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["CompressedManifestStaticFilesStorage", "True", "True", "True"], (
        result.stderr
    )


@pytest.mark.django_db
def test_pages_send_security_headers_and_a_strict_script_policy(viewer_client):
    response = viewer_client.get(reverse("incidents:list"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe" not in policy["style-src-elem"]


def template_files():
    roots = [Path(settings.BASE_DIR) / "templates"]
    roots += [Path(settings.BASE_DIR) / app / "templates" for app in os.listdir(settings.BASE_DIR)]
    return sorted(path for root in roots if root.is_dir() for path in root.rglob("*.html"))


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_templates_have_no_inline_script_that_the_content_security_policy_would_block(path):
    text = path.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it into a static .js file"
    assert not EVENT_HANDLER.search(text), "on*= handler attribute: attach it from a static .js file"
    assert not JAVASCRIPT_URL.search(text), "javascript: URL"
    assert "<style" not in text.lower(), "<style> block: put the rules in a static .css file"


# --- Login throttling ---------------------------------------------------------------------------------------


def attempt_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_account_out_even_for_the_right_password(viewer):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt_login(client, "vera", "wrong-guess").status_code == 200  # the form with an error
    locked = attempt_login(client, "vera", "wrong-guess")
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()
    still_locked = attempt_login(client, "vera", "correct-horse-battery")
    assert still_locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lockout_does_not_block_other_people(viewer, editor):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt_login(client, "vera", "wrong-guess")
    response = attempt_login(client, "eddie", "correct-horse-battery")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == editor.pk


@pytest.mark.django_db
def test_a_successful_login_resets_the_failure_count(viewer):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt_login(client, "vera", "wrong-guess")
    assert attempt_login(client, "vera", "correct-horse-battery").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt_login(client, "vera", "wrong-guess")
    assert attempt_login(client, "vera", "correct-horse-battery").status_code == 302


# --- Database outages ---------------------------------------------------------------------------------------


def assert_friendly_503(response):
    assert response.status_code == 503
    page = response.content.decode()
    assert "Hindsight is briefly unavailable" in page
    assert "Traceback" not in page
    assert "OperationalError" not in page
    assert "connection" not in page.lower()
    assert response["Retry-After"]


@pytest.mark.django_db
def test_database_down_before_the_view_gives_a_friendly_503(viewer):
    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    refused = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')
    with mock.patch.object(CursorWrapper, "execute", side_effect=refused):
        response = client.get(reverse("incidents:list"))
    assert_friendly_503(response)


@pytest.mark.django_db
def test_connection_lost_during_the_view_gives_a_friendly_503(viewer_client):
    viewer_client.raise_request_exception = False
    lost = InterfaceError("connection already closed")
    with mock.patch.object(IncidentListView, "get_context_data", side_effect=lost):
        response = viewer_client.get(reverse("incidents:list"))
    assert_friendly_503(response)


@pytest.mark.django_db
def test_other_errors_still_give_the_500_page(viewer_client):
    viewer_client.raise_request_exception = False
    with mock.patch.object(IncidentListView, "get_context_data", side_effect=ValueError("a bug")):
        response = viewer_client.get(reverse("incidents:list"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_outage_page_renders_without_a_request_or_database():
    page = render_to_string("503.html")
    assert "Hindsight is briefly unavailable" in page
    assert "/static/css/hindsight.css" in page


@pytest.mark.django_db
def test_missing_page_uses_the_site_layout(viewer_client):
    response = viewer_client.get("/incidents/999999999/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


@pytest.mark.django_db
def test_forbidden_action_explains_the_role_needed(viewer_client):
    response = viewer_client.get(reverse("incidents:declare"))
    assert response.status_code == 403
    assert "You don’t have permission to do that" in response.content.decode()


# --- Uploads from the Markdown editor -----------------------------------------------------------------------


def png_bytes(size=(40, 30)):
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(client, name, content, content_type="image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("markdownx_upload"),
        {"image": SimpleUploadedFile(name, content, content_type=content_type)},
        headers={"x-requested-with": "XMLHttpRequest"},
    )


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / settings.MARKDOWNX_MEDIA_PATH


def stored_files(folder):
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.mark.django_db
def test_editors_upload_images_under_a_random_name_with_the_detected_type(editor_client, media_root):
    response = upload(editor_client, "diagram.html", png_bytes())
    assert response.status_code == 200
    [stored] = stored_files(media_root)
    assert re.fullmatch(r"[0-9a-f-]{36}\.png", stored.name)
    assert response.json()["image_code"] == f"![](/media/markdownx/{stored.name})"

    served = editor_client.get(f"/media/markdownx/{stored.name}")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")


@pytest.mark.django_db
def test_a_file_that_is_not_an_image_is_refused_with_a_reason(editor_client, media_root):
    response = upload(editor_client, "innocent.png", b"<script>alert(1)</script>")
    assert response.status_code == 400
    assert "image" in response.json()
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_an_image_over_the_size_limit_is_refused(editor_client, media_root, settings):
    oversized = png_bytes() + b"\0" * settings.MARKDOWNX_UPLOAD_MAX_SIZE
    response = upload(editor_client, "huge.png", oversized)
    assert response.status_code == 400
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_viewers_cannot_upload(viewer_client, media_root):
    assert upload(viewer_client, "diagram.png", png_bytes()).status_code == 403
    assert stored_files(media_root) == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["../../config/settings.py", "../secret.png", "notes.html", "missing.png"])
def test_only_uploaded_images_are_served(viewer_client, media_root, path):
    media_root.mkdir(parents=True)
    (media_root / "notes.html").write_text("<script>alert(1)</script>")
    assert viewer_client.get(f"/media/markdownx/{path}").status_code == 404
