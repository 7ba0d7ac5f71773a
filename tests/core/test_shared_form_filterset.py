"""The list filter sets build their form fields once per class: every request still filters by its own data."""

import django_filters
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import QueryDict

from core.filters import SharedFormFilterSet
from incidents.filters import IncidentFilter
from incidents.models import Incident, Service


def _titles(filterset):
    return {incident.title for incident in filterset.qs}


def test_each_request_filters_by_its_own_choices(make_incident):
    make_incident(title="Sev one", severity=1)
    make_incident(title="Sev two", severity=2)
    first = IncidentFilter(QueryDict("severity=1"), queryset=Incident.objects.all())
    second = IncidentFilter(QueryDict("severity=2"), queryset=Incident.objects.all())
    assert _titles(first) == {"Sev one"}
    assert _titles(second) == {"Sev two"}


def test_a_method_filter_calls_the_filter_set_of_its_own_request(make_incident, service):
    make_incident(title="On checkout", services=[service])
    make_incident(title="Elsewhere")
    IncidentFilter(QueryDict("service=999999"), queryset=Incident.objects.all())  # another request's filters
    filterset = IncidentFilter(QueryDict(f"service={service.pk}"), queryset=Incident.objects.all())
    assert _titles(filterset) == {"On checkout"}


def test_an_invalid_request_leaves_the_next_form_without_errors(db):
    IncidentFilter(QueryDict("started_min=not-a-date"), queryset=Incident.objects.all()).form.is_valid()
    form = IncidentFilter(QueryDict(""), queryset=Incident.objects.all()).form
    assert form.is_valid()


def test_a_service_added_after_the_first_request_is_offered(db):
    str(IncidentFilter(QueryDict(""), queryset=Incident.objects.all()).form["service"])
    added = Service.objects.create(name="late-service", team="Payments", tier=1)
    rendered = str(IncidentFilter(QueryDict(""), queryset=Incident.objects.all()).form["service"])
    assert f'<option value="{added.pk}">late-service</option>' in rendered


def test_a_label_left_out_is_the_model_fields(db):
    form = IncidentFilter(QueryDict(""), queryset=Incident.objects.all()).form
    assert form["service"].label == "Services"


def test_choices_that_depend_on_the_request_are_refused(db):
    class PerRequestFilter(SharedFormFilterSet):
        service = django_filters.ModelChoiceFilter(
            field_name="services", queryset=lambda request: Service.objects.all()
        )

        class Meta:
            model = Incident
            fields = ["service"]

    with pytest.raises(ImproperlyConfigured):
        PerRequestFilter(QueryDict(""), queryset=Incident.objects.all()).get_form_class()
