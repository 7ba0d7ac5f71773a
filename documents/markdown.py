"""Markdown to safe HTML: the one place user Markdown becomes markup.

Everything shown from Markdown goes through `render_markdown`, which renders with Python-Markdown and
then sanitises with nh3 (an allow-list: no scripts, no event handlers, no javascript: URLs, no iframes).
"""

import threading

import markdown as markdown_lib
import nh3
from django.conf import settings
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre",
    "s", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
    "code": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


_parsers = threading.local()


def _parser():
    """One Markdown parser per thread: building one (loading every extension) costs more than most renders."""
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        parser = _parsers.parser = markdown_lib.Markdown(
            extensions=settings.MARKDOWNX_MARKDOWN_EXTENSIONS, output_format="html"
        )
    return parser


def render_markdown(text):
    """Render Markdown to sanitised HTML (a plain str; see `markdown_to_safe_html` for templates)."""
    parser = _parser()
    try:
        html = parser.convert(text or "")
    finally:
        parser.reset()  # no state (footnotes, toc, abbreviations) may leak into the next document
    return sanitise_html(html)


def markdown_to_safe_html(text):
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3 just above
