"""Filter fields shared by every filtered list: date ranges that stay inside the site's date window."""

import copy
from collections import OrderedDict
from typing import Any

import django_filters
from django.core.exceptions import ImproperlyConfigured
from django.http import QueryDict
from django_filters.fields import DateRangeField

from .dates import validate_in_date_window


class WindowedDateRangeField(DateRangeField):
    """From/to dates, each refused with a clear error outside 1970 … ten years ahead (any time zone is then safe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields:
            field.validators.append(validate_in_date_window)


class WindowedDateFromToRangeFilter(django_filters.DateFromToRangeFilter):
    field_class = WindowedDateRangeField


class SharedFormFilterSet(django_filters.FilterSet):
    """A FilterSet that builds its form fields once per class instead of once per request, and copies its filters
    shallowly: django-filter deep-copies every filter (and then every form field) on each request, ~2 ms of a
    list page. The form itself is still made per request (and Django's form copies its fields for itself).

    Only for filter sets whose fields do not depend on the request: a filter with a callable queryset is refused."""

    @classmethod
    def shared_form_class(cls) -> type[Any]:
        form_class = cls.__dict__.get("_shared_form_class")  # per class: a subclass has filters of its own
        if form_class is None:
            filters = copy.deepcopy(cls.base_filters)  # the fields are cached on these, not on base_filters
            for name, filter_ in filters.items():
                filter_.model = cls._meta.model  # a label left out is the model field's
                if callable(getattr(filter_, "queryset", None)):
                    raise ImproperlyConfigured(f"{cls.__name__}.{name}: its choices depend on the request")
            fields = {name: filter_.field for name, filter_ in filters.items()}
            form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
            cls._shared_form_class = form_class
        return form_class

    def __init__(
        self, data: Any = None, queryset: Any = None, *, request: Any = None, prefix: str | None = None
    ) -> None:
        # django-filter's FilterSet.__init__ (26.2), with shallow copies of the filters for its deep copy.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = _shallow_filter_copies(self.base_filters)
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self

    def get_form_class(self) -> type[Any]:
        return self.shared_form_class()


def _shallow_filter_copies(base_filters: dict[str, Any]) -> OrderedDict[str, Any]:
    """A copy of each filter sharing its (read-only) settings; each copy's `method` is bound to the copy, whose
    `parent` is the filter set of this request."""
    filters = OrderedDict()
    for name, base in base_filters.items():
        filter_ = copy.copy(base)
        filter_.extra = base.extra.copy()
        filter_.method = base.method  # a FilterMethod of the copy's own
        filters[name] = filter_
    return filters
