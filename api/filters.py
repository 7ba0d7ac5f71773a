"""The pages' own filters, for the API: the incident list's and the review page's, plus full-text `q`."""

import django_filters
from django import forms
from django.utils import timezone

from incidents.filters import IncidentFilter
from postmortems.filters import ActionItemFilter
from postmortems.models import Postmortem
from runbooks.models import Runbook
from search.backends import search_documents
from search.query import parse_query

# The review page's sections (postmortems/action_views.py), by the same queryset methods.
DUE_SOON_DAYS = 7
RECENTLY_CLOSED_DAYS = 14
SECTIONS = {
    "unowned": lambda items: items.unowned(),
    "overdue": lambda items: items.overdue(timezone.localdate()),
    "due_soon": lambda items: items.due_within(DUE_SOON_DAYS, timezone.localdate()),
    "recently_closed": lambda items: items.recently_closed(RECENTLY_CLOSED_DAYS, timezone.now()),
}


class IncidentApiFilter(IncidentFilter):
    # The API pages with a cursor, which fixes the order. None is django-filter's way to drop an inherited filter.
    sort = None  # type: ignore[assignment]


class ActionItemApiFilter(ActionItemFilter):
    section = django_filters.ChoiceFilter(
        choices=[(key, key.replace("_", " ")) for key in SECTIONS],
        method="filter_section",
        label="Review page section",
    )

    class Meta(ActionItemFilter.Meta):
        fields = [*ActionItemFilter.Meta.fields, "section"]

    def filter_section(self, queryset, name, value):
        return SECTIONS[value](queryset)


def validate_search_words(value):
    problem = parse_query(value).problem
    if problem:
        raise forms.ValidationError(problem)


class FullTextFilter(django_filters.CharFilter):
    """Words as the search page takes them (phrases in quotes, `prefix*`, synonyms), through the search index."""

    def __init__(self, *, kind, **kwargs):
        self.kind = kind
        kwargs.setdefault("label", "Search words (as on the search page)")
        super().__init__(validators=[validate_search_words], **kwargs)

    def filter(self, queryset, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=search_documents(parse_query(value), kind=self.kind).values("object_id")
        )


class PostmortemApiFilter(django_filters.FilterSet):
    q = FullTextFilter(kind="postmortem")
    status = django_filters.ChoiceFilter(choices=Postmortem.Status.choices)

    class Meta:
        model = Postmortem
        fields = ["q", "status"]


class RunbookApiFilter(django_filters.FilterSet):
    q = FullTextFilter(kind="runbook")
    service = django_filters.NumberFilter(field_name="services")
    tag = django_filters.CharFilter(field_name="tags__name")

    class Meta:
        model = Runbook
        fields = ["q", "service", "tag"]
