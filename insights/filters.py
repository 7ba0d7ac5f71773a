import django_filters
from django import forms

from core.filters import WindowedDateFromToRangeFilter
from incidents.models import Incident, Kind, Service, Severity


def team_choices():
    teams = Service.objects.order_by().values_list("team", flat=True).distinct()
    return [(team, team) for team in sorted(teams, key=str.casefold)]


class InsightsFilter(django_filters.FilterSet):
    started = WindowedDateFromToRangeFilter(
        field_name="started_at",
        label="Started between",
        widget=django_filters.widgets.RangeWidget(attrs={"type": "date"}),
    )
    service = django_filters.ModelChoiceFilter(
        field_name="services", queryset=Service.objects.all(), empty_label="All services"
    )
    team = django_filters.ChoiceFilter(
        field_name="services__team", choices=team_choices, empty_label="All teams", label="Owning team"
    )
    severity = django_filters.MultipleChoiceFilter(
        choices=Severity.choices, widget=forms.CheckboxSelectMultiple
    )
    practice = django_filters.BooleanFilter(
        method="filter_practice",
        label="Include drills, game days and tabletops",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Incident
        fields = ["started", "service", "team", "severity", "practice"]

    def filter_practice(self, queryset, name, value):
        """Practice stays out of the figures unless asked for (the filter's empty state excludes it too)."""
        return queryset if value else queryset.filter(kind=Kind.REAL)

    @property
    def incidents(self):
        """The matching incidents, each once (joining services can repeat rows), ready for aggregation."""
        if not self.is_valid():
            return Incident.objects.none()
        return Incident.objects.filter(pk__in=self.qs.values("pk")).order_by()
