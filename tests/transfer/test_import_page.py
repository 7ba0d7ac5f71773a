from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents.models import Incident

from .conftest import HEADER, csv_row

URL = reverse("transfer:import")


def _upload(client, text, **fields):
    upload = SimpleUploadedFile("history.csv", text.encode(), content_type="text/csv")
    return client.post(URL, {"file": upload, "timezone": "UTC", **fields})


def test_preview_writes_nothing(editor_client):
    _upload(editor_client, HEADER + csv_row())
    assert not Incident.objects.exists()


def test_preview_shows_what_would_be_created(editor_client):
    response = _upload(editor_client, HEADER + csv_row())
    assert response.context["report"].created == ["JIRA-1"]


def test_confirming_the_preview_imports(editor_client):
    response = _upload(editor_client, HEADER + csv_row())
    editor_client.post(URL, {"confirm": response.context["key"]})
    assert Incident.objects.filter(external_id="JIRA-1").exists()


def test_confirming_with_a_wrong_key_imports_nothing(editor_client):
    _upload(editor_client, HEADER + csv_row())
    editor_client.post(URL, {"confirm": "guessed"})
    assert not Incident.objects.exists()


def test_preview_lists_bad_rows_with_their_line(editor_client):
    response = _upload(editor_client, HEADER + csv_row(severity="major"))
    assert "line 2 (JIRA-1): severity" in response.content.decode()


def test_a_file_with_bad_rows_offers_no_import_button(editor_client):
    response = _upload(editor_client, HEADER + csv_row(severity="major"))
    assert response.context["can_import"] is False


def test_unknown_columns_are_a_form_error(editor_client):
    response = _upload(editor_client, "external_id,colour\n1,red\n")
    assert response.status_code == 400


def test_responders_cannot_import(responder_client):
    response = _upload(responder_client, HEADER + csv_row())
    assert response.status_code == 403
