"""Filter fields shared by every filtered list: date ranges that stay inside the site's date window."""

from typing import Any

import django_filters
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
