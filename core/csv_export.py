"""Streaming CSV downloads for list pages: rows go straight to the response, formulas stay text."""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse


class _Echo:
    """A write-only file for csv.writer that hands each row straight back."""

    def write(self, value: str) -> str:
        return value


def spreadsheet_safe(value: object) -> object:
    """Neutralise spreadsheet formulas: a title such as '=HYPERLINK(…)' must stay text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_response(
    filename: str, header: Iterable[str], rows: Iterable[Iterable[object]]
) -> StreamingHttpResponse:
    """A CSV download of `header` then each row of the `rows` iterable (values made spreadsheet-safe)."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([spreadsheet_safe(value) for value in row])

    return StreamingHttpResponse(
        lines(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
