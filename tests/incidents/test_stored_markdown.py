"""An incident's Markdown is rendered once, when it is saved; pages show the stored, sanitised HTML."""

from unittest import mock

import pytest
from django.urls import reverse

from core.limits import MAX_SUMMARY_LENGTH
from incidents.models import Incident

from .test_pages import edit_payload

pytestmark = pytest.mark.django_db


def test_saving_an_incident_stores_its_summary_as_sanitised_html(make_incident):
    incident = make_incident(summary="**Checkout** down <script>alert(1)</script>")
    assert Incident.objects.get(pk=incident.pk).rendered_summary == "<p><strong>Checkout</strong> down </p>\n"


def test_saving_an_incident_stores_its_customer_impact_as_html(make_incident):
    incident = make_incident(customer_impact="*EU* customers")
    assert Incident.objects.get(pk=incident.pk).rendered_customer_impact == "<p><em>EU</em> customers</p>\n"


def test_incident_page_renders_no_markdown(viewer_client, make_incident):
    incident = make_incident(summary="**Checkout** down", customer_impact="*EU*")
    with mock.patch("documents.markdown.PARSER.render", side_effect=AssertionError("rendered on view")):
        response = viewer_client.get(incident.get_absolute_url())
    assert b"<strong>Checkout</strong>" in response.content


def test_too_long_summary_is_a_form_error_naming_the_limit(responder_client, make_incident, service):
    incident = make_incident(services=[service])
    response = responder_client.post(
        reverse("incidents:edit", args=[incident.pk]),
        edit_payload(incident, summary="a" * (MAX_SUMMARY_LENGTH + 1)),
    )
    assert f"at most {MAX_SUMMARY_LENGTH} characters" in response.context["form"].errors["summary"][0]


def test_too_long_summary_is_refused_by_model_validation(make_incident):
    incident = make_incident(summary="a" * (MAX_SUMMARY_LENGTH + 1))
    with pytest.raises(Exception, match="summary"):
        incident.full_clean()
