"""The OpenAPI description is valid and warning-free, and the docs page runs under the site's CSP."""

import yaml
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient


def test_the_schema_validates_without_warnings(tmp_path, db):
    # --fail-on-warn: an endpoint drf-spectacular cannot describe fails here, not in a client's code generator.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    assert schema["openapi"].startswith("3.")


def test_the_schema_lists_every_endpoint(viewer_api):
    paths = yaml.safe_load(viewer_api.get("/api/schema/").content)["paths"]
    assert {
        "/api/v1/incidents/",
        "/api/v1/incidents/{id}/status/",
        "/api/v1/action-items/{id}/assign/",
    } <= set(paths)


def test_the_schema_needs_a_token_or_a_session(db):
    assert APIClient().get("/api/schema/").status_code == 401


def test_the_docs_are_served_from_our_own_static_files(viewer_client):
    page = viewer_client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page


def test_the_docs_page_has_no_inline_script(viewer_client):
    page = viewer_client.get("/api/docs/").content.decode()
    assert "<script>" not in page


def test_the_docs_start_up_script_comes_from_the_same_address(viewer_client):
    response = viewer_client.get("/api/docs/?script=")
    assert response.status_code == 200
    assert "SwaggerUIBundle" in response.content.decode()


def test_anonymous_visitors_of_the_docs_are_sent_to_log_in(client):
    response = client.get("/api/docs/")
    assert response["Location"].startswith("/accounts/login/")


def test_the_alertmanager_webhook_keeps_its_address():
    assert reverse("api:alertmanager") == "/api/alerts/alertmanager/"
