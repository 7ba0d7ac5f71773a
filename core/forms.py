"""Form fields that refuse hostile values with a form error instead of a database error."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

BIGINT_RANGE = range(-(2**63), 2**63)


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Ids no database column can hold are invalid choices (SQLite raises OverflowError on `pk__in` with them)."""

    def _check_values(self, value: Iterable[Any]) -> QuerySet[Any]:
        if self.to_field_name is None:
            for key in value:
                try:
                    number = int(str(key))
                except ValueError:
                    continue  # the parent reports a non-number as invalid
                if number not in BIGINT_RANGE:
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": key}
                    )
        return super()._check_values(value)  # type: ignore[misc,no-any-return]
