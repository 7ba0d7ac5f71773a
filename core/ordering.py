"""Sorting people's text the way people read it: "Allegro" before "ARPANET", on SQLite and PostgreSQL."""

from typing import Any

import django_filters
from django.db.models import F, OrderBy, QuerySet
from django.db.models.functions import Lower


def text_order(field: str) -> OrderBy:
    """`"title"` or `"-title"` as a case-insensitive ordering (LOWER() is the same on every database, unlike
    collations); index it with `models.Index(Lower("title"), …)` where a long list sorts by it."""
    descending = field.startswith("-")
    lowered = Lower(field.removeprefix("-"))
    return lowered.desc() if descending else lowered.asc()


class CaseInsensitiveOrderingFilter(django_filters.OrderingFilter):
    """An OrderingFilter that sorts the named text fields case-insensitively and always ends on the primary
    key, so pages of a sorted list never repeat or skip a row."""

    def __init__(self, *args: Any, text_fields: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.text_fields = set(text_fields)

    def get_ordering_value(self, param: str) -> str | OrderBy:
        field = super().get_ordering_value(param)
        return text_order(field) if field.removeprefix("-") in self.text_fields else field

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, F("pk").asc()) if value else qs
