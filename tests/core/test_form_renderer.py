"""The long filter selects (services, categories, tags): the same markup as the field's own <select>, from markup
reused between requests that never shows a name that has since changed."""

import pytest
from django import forms
from django.urls import reverse

from core.form_renderer import NamedChoiceSelect
from incidents.models import Service
from postmortems.filters import OwnerFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def services(db):
    return [
        Service.objects.create(name=name, team="Core")
        for name in ("checkout-api", "Orders & <Billing>", "auth")
    ]


def service_field(widget=None):
    field = forms.ModelChoiceField(queryset=Service.objects.all(), empty_label="Any service", required=False)
    if widget:
        field.widget = widget
        field.widget.choices = field.choices
    return field


class ServiceForm(forms.Form):
    service = service_field()


class FastServiceForm(forms.Form):
    service = service_field(NamedChoiceSelect())


@pytest.mark.parametrize(
    "data", [{}, {"service": "SELECTED"}, {"service": "999999"}, {"service": "not a number"}]
)
def test_named_choice_select_renders_what_the_fields_own_select_renders(services, data):
    if data.get("service") == "SELECTED":
        data = {"service": str(services[1].pk)}
    assert str(FastServiceForm(data)["service"]) == str(ServiceForm(data)["service"])


def test_a_renamed_service_shows_its_new_name_in_the_filter(services, editor, client):
    client.force_login(editor)
    client.get(reverse("incidents:list"))  # the options are built and kept
    services[0].name = "payments-api"
    services[0].save()
    page = client.get(reverse("incidents:list")).content.decode()
    assert f'<option value="{services[0].pk}">payments-api</option>' in page
    assert "checkout-api" not in page


def test_an_added_service_appears_in_the_filter(services, editor, client):
    client.force_login(editor)
    client.get(reverse("incidents:list"))
    added = Service.objects.create(name="ledger", team="Core")
    page = client.get(reverse("incidents:list")).content.decode()
    assert f'<option value="{added.pk}">ledger</option>' in page


def test_the_chosen_service_is_selected_in_the_filter(services, editor, client):
    client.force_login(editor)
    page = client.get(reverse("incidents:list"), {"service": services[2].pk}).content.decode()
    assert f'<option value="{services[2].pk}" selected>auth</option>' in page


def test_a_null_choice_comes_after_the_empty_one(editor):
    class Filter(forms.Form):
        owner = OwnerFilter(queryset=type(editor).objects.all(), empty_label="Anyone").field

    Filter.base_fields["owner"].widget = NamedChoiceSelect(label_field="username")
    Filter.base_fields["owner"].widget.choices = Filter.base_fields["owner"].choices
    rendered = str(Filter({"owner": "none"})["owner"])
    assert (
        '<option value="">Anyone</option><option value="none" selected>Nobody (unowned)</option>' in rendered
    )
