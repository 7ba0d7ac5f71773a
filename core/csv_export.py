"""Streaming CSV downloads for list pages: rows go straight to the response, formulas stay text."""

import csv

from django.http import StreamingHttpResponse


class _Echo:
    """A write-only file for csv.writer that hands each row straight back."""

    def write(self, value):
        return value


def spreadsheet_safe(value):
    """Neutralise spreadsheet formulas: a title such as '=HYPERLINK(…)' must stay text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_response(filename, header, rows):
    """A CSV download of `header` then each row of the `rows` iterable (values made spreadsheet-safe)."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([spreadsheet_safe(value) for value in row])

    return StreamingHttpResponse(
        lines(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
