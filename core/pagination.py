"""Pagination for lists that grow large: count only up to a cap, and walk by keyset rather than by offset.

`COUNT(*)` over 100,000 incidents costs more than the rest of the page, so a list counts at most
`settings.HINDSIGHT_LIST_COUNT_CAP` rows and says "10,000+". OFFSET makes page 1,000 read the 25,000 rows before
it, so the long lists walk by keyset instead: a page's `page` parameter names the row it follows ("after-123")
or precedes ("before-456"), and the database seeks to that row through the index of the list's order. Page
1,000 then costs what page 1 costs, and the walk reaches the last row whatever the cap.
"""

import re
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db.models import F, Field, Func, IntegerField, Model, OrderBy, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.lookups import GreaterThan, LessThan

M = TypeVar("M", bound=Model)

CURSOR = re.compile(r"(after|before)-([0-9]{1,18})")


def count_cap() -> int:
    """Read per call, so a test can lower it with override_settings."""
    return int(settings.HINDSIGHT_LIST_COUNT_CAP)


@dataclass
class KeysetPage(Generic[M]):
    """One page of a keyset walk: its rows, the cursors of its neighbours, and the list's bounded count."""

    object_list: list[M]
    count: int
    capped: bool
    next_cursor: str | None = None
    previous_cursor: str | None = None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def keyset_page(
    queryset: QuerySet[M], *, anchors: QuerySet[M], per_page: int, cursor: str | None
) -> KeysetPage[M]:
    """The page of `queryset` (in its own order, which must end on the primary key) named by `cursor`.

    `anchors` is where a cursor's row is looked up (the rows the user may see, before any filter), inside the
    page's one query: a row that stopped matching the filters still marks the place."""
    terms = order_terms(queryset)
    counted = _with_count(queryset)
    match = CURSOR.fullmatch(cursor or "")
    if (
        not match
    ):  # no cursor, or a page number from an older link: the first page, as Paginator.get_page does
        rows = list(counted[: per_page + 1])
        return _page(rows[:per_page], _count(rows, queryset), more_after=len(rows) > per_page)
    direction, anchor = match.group(1), int(match.group(2))
    forward = direction == "after"
    keys = [_key_name(term, i) for i, term in enumerate(terms)]
    counted = counted.alias(
        **{key: t.expression for key, t in zip(keys, terms, strict=True) if key[0] == "_"}
    )
    seek = _beyond(list(zip(keys, terms, strict=True)), anchors.filter(pk=anchor), forward=forward)
    walk = terms if forward else [_reversed(term) for term in terms]
    rows = list(counted.filter(seek).order_by(*walk)[: per_page + 1])
    more = len(rows) > per_page
    count = _count(rows, queryset)
    rows = rows[:per_page]
    if forward:
        return _page(rows, count, more_after=more, more_before=True)
    rows.reverse()
    return _page(rows, count, more_after=True, more_before=more)


COUNT_ALIAS = "_keyset_list_count"


def _with_count(queryset: QuerySet[M]) -> QuerySet[M]:
    """Each row carries the list's count up to the cap, computed once by the database (an uncorrelated
    subquery): the page costs one round trip instead of two."""
    capped = queryset.order_by().values("pk")[: count_cap() + 1]
    try:
        sql, params = capped.query.sql_with_params()
    except EmptyResultSet:  # queryset.none(), e.g. from invalid filters: no rows, nothing to count
        return queryset
    count = RawSQL(f"SELECT COUNT(*) FROM ({sql}) AS capped_list", params, output_field=IntegerField())
    counted: QuerySet[M] = queryset.annotate(**{COUNT_ALIAS: count})
    return counted


def _count(rows: list[Any], queryset: QuerySet[Any]) -> int:
    """The capped count carried by the page's rows; a page with no rows asks the database separately."""
    if rows:
        return int(getattr(rows[0], COUNT_ALIAS))
    return queryset.order_by()[: count_cap() + 1].count()


def _page(rows: list[M], count: int, *, more_after: bool, more_before: bool = False) -> KeysetPage[M]:
    cap = count_cap()
    return KeysetPage(
        object_list=rows,
        count=min(count, cap),
        capped=count > cap,
        next_cursor=f"after-{rows[-1].pk}" if rows and more_after else None,
        previous_cursor=f"before-{rows[0].pk}" if rows and more_before else None,
    )


def order_terms(queryset: QuerySet[Any]) -> list[OrderBy]:
    """The queryset's ordering as OrderBy expressions (explicit or the model's default)."""
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    terms = []
    for term in ordering:
        if isinstance(term, str):
            term = F(term[1:]).desc() if term.startswith("-") else F(term).asc()
        elif not isinstance(term, OrderBy):
            term = OrderBy(term)  # type: ignore[arg-type]  # an expression, e.g. Lower("title")
        terms.append(term)
    last = _field_name(terms[-1]) if terms else None
    if last not in ("pk", queryset.model._meta.pk.attname):
        raise ValueError("A keyset walk needs an order that ends on the primary key.")
    return terms


def _reversed(term: OrderBy) -> OrderBy:
    return OrderBy(term.expression, descending=not term.descending)


def _key_name(term: OrderBy, position: int) -> str:
    """A plain field is compared by its name (the index on it serves); an expression by an alias of it."""
    return _field_name(term) or f"_keyset_{position}"


def _field_name(term: OrderBy) -> str | None:
    """The field a term orders by, when it orders by a plain field."""
    expression = term.expression
    if not isinstance(expression, F):
        return None
    _path, (name, *_rest), _kwargs = expression.deconstruct()
    return str(name)


class _Row(Func):
    """A row value, `(a, b, c)`: compared with another row it orders like the list (all keys one direction)."""

    function = ""
    template = "(%(expressions)s)"
    output_field = Field()


def _beyond(keys: list[tuple[str, OrderBy]], anchor: QuerySet[Any], *, forward: bool) -> Q:
    """Rows after (or before) the anchor row in the order of `keys`. Keys must not be NULL (the list's order is
    over required fields, or spells a nullable one with Coalesce).

    When every key runs the same way, one row-value comparison `(k1, k2, id) > (SELECT …)`: a multi-column
    index on the keys seeks straight to the anchor, however many rows share its first key (a list ordered by a
    status first). Otherwise the comparison spelt out, plus a non-strict bound on the first key so the database
    seeks through the index instead of filtering from the start."""

    anchor = anchor.order_by()

    def anchor_value(term: OrderBy) -> Subquery:
        return Subquery(anchor.annotate(_keyset_value=term.expression).values("_keyset_value")[:1])

    def compare(key: str, term: OrderBy, strict: bool) -> Q:
        later = term.descending != forward  # ascending and walking forward: later rows are greater
        lookup = ("gt" if later else "lt") + ("" if strict else "e")
        return Q(**{f"{key}__{lookup}": anchor_value(term)})

    if len({term.descending for _key, term in keys}) == 1:
        later = keys[0][1].descending != forward
        row = anchor.annotate(**{f"_keyset_{i}": term.expression for i, (_key, term) in enumerate(keys)})
        anchor_row = Subquery(row.values(*(f"_keyset_{i}" for i in range(len(keys))))[:1])
        comparison = GreaterThan if later else LessThan
        return Q(comparison(_Row(*(F(key) for key, _term in keys)), anchor_row))
    condition = Q()
    for i, (key, term) in enumerate(keys):
        same_before = Q(*(Q(**{k: anchor_value(t)}) for k, t in keys[:i]))
        condition |= same_before & compare(key, term, strict=True)
    first_key, first_term = keys[0]
    return compare(first_key, first_term, strict=False) & condition


class KeysetListMixin:
    """For a ListView or FilterView: pages by `keyset_page` instead of Paginator's COUNT and OFFSET.

    The view supplies `keyset_anchors()`: the rows a cursor may name (those the user may see, before any
    filter). Its queryset's order must end on the primary key and order by non-NULL values (alias a nullable
    column with Coalesce to a sentinel that keeps its NULLS FIRST/LAST place)."""

    request: Any

    def paginate_queryset(self, queryset: Any, page_size: int) -> Any:  # MultipleObjectMixin's signature
        page = keyset_page(
            queryset,
            anchors=self.keyset_anchors(),  # type: ignore[attr-defined]
            per_page=page_size,
            cursor=self.request.GET.get("page"),
        )
        return None, page, page.object_list, page.has_other_pages()
