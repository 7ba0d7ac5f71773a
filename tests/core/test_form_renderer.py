"""The long filter selects (services, categories, tags): the same markup as the field's own <select>, from markup
reused between requests that never shows a name that has since changed."""

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
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


class EveryWidgetForm(forms.Form):
    """Every widget the Python renderer builds, with the awkward cases: values needing escaping, safe and
    boolean attributes, grouped choices, a checkbox list without wrapped labels, numbers to localise."""

    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": 'Say "hi" <now>', "autofocus": True}))
    search = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"type": "search", "hidden": False})
    )
    number = forms.IntegerField(initial=12345)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput, initial="x&y")
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    agree = forms.BooleanField(required=False)
    severities = forms.MultipleChoiceField(
        choices=[(1, "SEV-1"), (2, "SEV-2 <major>"), (3, 3000)], widget=forms.CheckboxSelectMultiple
    )
    grouped = forms.ChoiceField(
        choices=[("Real", [("a", "Outage"), ("b", "Degraded")]), ("Practice", [("c", "Drill")])],
        widget=forms.RadioSelect(attrs={"class": "choices"}),
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), initial="Line one\n<b>two</b>")


class UnwrappedCheckboxes(forms.CheckboxSelectMultiple):
    def create_option(self, *args, **kwargs):
        return {**super().create_option(*args, **kwargs), "wrap_label": False}


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "text": "a < b",
            "number": "7",
            "severities": ["2", "3"],
            "grouped": "c",
            "agree": "on",
            "notes": "",
        },
        {"text": "", "day": "2026-11-28", "password": "s3cr&t", "hidden": '"quoted"'},
    ],
)
def test_python_widgets_render_what_djangos_templates_render(data):
    site = EveryWidgetForm(data)
    templates = EveryWidgetForm(data, renderer=TemplatesSetting())
    for name in site.fields:
        assert str(site[name]) == str(templates[name]), name


def test_unwrapped_checkbox_labels_render_as_djangos_templates_do():
    class Form(forms.Form):
        picks = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], widget=UnwrappedCheckboxes)

    assert str(Form({"picks": ["b"]})["picks"]) == str(
        Form({"picks": ["b"]}, renderer=TemplatesSetting())["picks"]
    )
