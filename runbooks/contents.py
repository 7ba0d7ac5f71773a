"""A runbook's table of contents, from the same Markdown headings (and ids) the rendered body carries."""

import html

import markdown as markdown_lib
from django.conf import settings


def table_of_contents(text, max_level=3):
    """A flat list of {"level", "id", "name"} for headings down to `max_level`, in document order."""
    renderer = markdown_lib.Markdown(extensions=settings.MARKDOWNX_MARKDOWN_EXTENSIONS)
    renderer.convert(text or "")
    entries = []

    def walk(tokens):
        for token in tokens:
            if token["level"] <= max_level:
                entries.append({"level": token["level"], "id": token["id"], "name": html.unescape(token["name"])})
            walk(token["children"])

    walk(renderer.toc_tokens)
    return entries
