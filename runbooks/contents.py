"""A runbook's table of contents, read from the headings (and ids) of the HTML stored when it was saved."""

from documents.markdown import headings


def table_of_contents(rendered_body: str, max_level: int = 3) -> list[dict[str, object]]:
    """A flat list of {"level", "id", "name"} for headings down to `max_level`, in document order."""
    return headings(rendered_body or "", max_level=max_level)
