import django_filters
from django import forms

from core.filters import SharedFormFilterSet, WindowedDateFromToRangeFilter
from core.form_renderer import NamedChoiceSelect
from core.ordering import CaseInsensitiveOrderingFilter

from .models import Category, DetectionSource, Incident, Kind, Service, Severity, Status

KIND_CHOICES = [("real", "Real incidents only"), ("practice", "Practice only (drills, game days, tabletops)")]


class IncidentFilter(SharedFormFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Title contains")
    severity = django_filters.MultipleChoiceFilter(
        choices=Severity.choices, widget=forms.CheckboxSelectMultiple, method="filter_severity"
    )
    status = django_filters.MultipleChoiceFilter(
        choices=[("open", "Open (not resolved)"), *Status.choices],
        method="filter_status",
        widget=forms.CheckboxSelectMultiple,
    )
    service = django_filters.ModelChoiceFilter(
        field_name="services",
        queryset=Service.objects.all(),
        empty_label="Any service",
        method="filter_service",
        widget=NamedChoiceSelect,
    )
    category = django_filters.ModelChoiceFilter(
        field_name="categories",
        queryset=Category.objects.all(),
        empty_label="Any category",
        method="filter_category",
        widget=NamedChoiceSelect,
    )
    kind = django_filters.ChoiceFilter(
        choices=KIND_CHOICES, method="filter_kind", empty_label="Real and practice", label="Kind"
    )
    detection_source = django_filters.ChoiceFilter(choices=DetectionSource.choices, empty_label="Any source")
    started = WindowedDateFromToRangeFilter(
        field_name="started_at",
        label="Started between",
        widget=django_filters.widgets.RangeWidget(attrs={"type": "date"}),
    )
    needs_postmortem = django_filters.BooleanFilter(
        method="filter_needs_postmortem", label="SEV-1/2 without a postmortem", widget=forms.CheckboxInput
    )
    update_overdue = django_filters.BooleanFilter(
        method="filter_update_overdue", label="Status update overdue", widget=forms.CheckboxInput
    )
    sort = CaseInsensitiveOrderingFilter(
        text_fields=("title",),
        fields=(
            ("started_at", "started"),
            ("severity", "severity"),
            ("title", "title"),
            ("status", "status"),
        ),
        field_labels={
            "started": "Started (oldest first)",
            "-started": "Started (newest first)",
            "severity": "Severity (SEV-1 first)",
            "-severity": "Severity (SEV-4 first)",
        },
        empty_label="Newest first",
    )

    class Meta:
        model = Incident
        fields = ["q", "severity", "status", "kind", "service", "category", "detection_source", "started"]

    def filter_severity(self, queryset, name, values):
        """One `IN` (which the planner reads as a list) rather than the filter's OR of equalities (which it reads
        as a bitmap scan over every matching severity), and no DISTINCT: severity is a column of the incident."""
        return queryset.filter(severity__in=values)

    # A service or category narrows by a subquery of the link table rather than a join: no duplicate rows to
    # remove with DISTINCT (which would compare every column of every matching incident).
    def filter_service(self, queryset, name, value):
        links = Incident.services.through.objects.filter(service=value)
        return queryset.filter(pk__in=links.values("incident_id"))

    def filter_category(self, queryset, name, value):
        links = Incident.categories.through.objects.filter(category=value)
        return queryset.filter(pk__in=links.values("incident_id"))

    def filter_kind(self, queryset, name, value):
        return queryset.filter(kind=Kind.REAL) if value == "real" else queryset.exclude(kind=Kind.REAL)

    def filter_needs_postmortem(self, queryset, name, value):
        return (
            queryset.filter(pk__in=Incident.objects.missing_postmortem().values("pk")) if value else queryset
        )

    def filter_update_overdue(self, queryset, name, value):
        return queryset.filter(pk__in=Incident.objects.update_overdue().values("pk")) if value else queryset

    def filter_status(self, queryset, name, values):
        statuses = set(values)
        if "open" in statuses:
            statuses.discard("open")
            statuses.update(s for s in Status.values if s != Status.RESOLVED)
        return queryset.filter(status__in=statuses)
