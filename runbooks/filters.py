import django_filters
from django import forms

from core.filters import SharedFormFilterSet
from core.form_renderer import NamedChoiceSelect
from core.ordering import CaseInsensitiveOrderingFilter, text_order
from incidents.models import Service

from .models import LAST_REVIEWED, Runbook, Tag


def team_choices():
    teams = Runbook.objects.exclude(owner_team="").order_by().values_list("owner_team", flat=True).distinct()
    return [(team, team) for team in sorted(teams, key=str.casefold)]


class RunbookOrderingFilter(CaseInsensitiveOrderingFilter):
    """Never-reviewed runbooks count as the least recently reviewed, on every database."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        ordering = [
            LAST_REVIEWED.asc()
            if field == "last_reviewed_at"
            else LAST_REVIEWED.desc()
            if field == "-last_reviewed_at"
            else field
            for field in qs.query.order_by
        ]
        return qs.order_by(*ordering, text_order("title"), "id") if ordering else qs


class RunbookFilter(SharedFormFilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Search title, text, tags")
    service = django_filters.ModelChoiceFilter(
        field_name="services",
        queryset=Service.objects.only("id", "name"),
        empty_label="Any service",
        widget=NamedChoiceSelect,
    )
    tag = django_filters.ModelChoiceFilter(
        field_name="tags",
        queryset=Tag.objects.all(),
        to_field_name="name",
        empty_label="Any tag",
        widget=NamedChoiceSelect,
    )
    team = django_filters.ChoiceFilter(field_name="owner_team", choices=team_choices, empty_label="Any team")
    due = django_filters.BooleanFilter(
        method="filter_due", label="Due for review", widget=forms.CheckboxInput
    )
    needs_update = django_filters.BooleanFilter(
        method="filter_needs_update", label="Flagged: needs update", widget=forms.CheckboxInput
    )
    sort = RunbookOrderingFilter(
        text_fields=("title",),
        fields=(("title", "title"), ("last_reviewed_at", "reviewed")),
        field_labels={
            "title": "Title (A–Z)",
            "-title": "Title (Z–A)",
            "reviewed": "Least recently reviewed",
            "-reviewed": "Most recently reviewed",
        },
        empty_label="Title (A–Z)",
    )

    class Meta:
        model = Runbook
        fields = ["q", "service", "tag", "team", "due", "needs_update"]

    def filter_text(self, queryset, name, value):
        """Full text through the site's search index, restricted to runbooks."""
        from search.backends import search_documents
        from search.query import parse_query

        parsed = parse_query(value)
        if not parsed.is_searchable:
            return queryset.none()
        matches = search_documents(parsed, kind="runbook").order_by().values("object_id")
        return queryset.filter(pk__in=matches)

    def filter_due(self, queryset, name, value):
        return queryset.filter(is_due_for_review=True) if value else queryset

    def filter_needs_update(self, queryset, name, value):
        return queryset.filter(is_flagged_needs_update=True) if value else queryset
