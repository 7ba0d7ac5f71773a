"""Markdown to safe HTML: the one place user Markdown becomes markup.

Everything shown from Markdown goes through `render_markdown`, which renders with markdown-it-py and then
sanitises with nh3 (an allow-list: no scripts, no event handlers, no javascript: URLs, no iframes).

markdown-it-py is used because its cost grows linearly with the text: Python-Markdown took seconds to minutes on
a few kilobytes of nested or unclosed brackets. Pages show HTML stored when the text was saved (see
`VersionedDocument.rendered_body`, `Incident.summary_html`); only saves and the rate-limited live preview render.
"""

import html
import re
import unicodedata

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "section",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
    "code": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)</h\1>', re.S)
TAG = re.compile(r"<[^>]*>")


def sanitise_html(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def heading_slug(title: str) -> str:
    """The anchor of a heading, as Python-Markdown's table of contents made it (old links keep working)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", ascii_title).strip().lower())


def _parser() -> MarkdownIt:
    # CommonMark plus tables, strikethrough, footnotes, definition lists and heading anchors. Raw HTML is parsed
    # (nh3 then keeps only the allow-list). A parser keeps no state between documents, so one serves every thread.
    return (
        MarkdownIt("commonmark", {"html": True})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
        .use(deflist_plugin)
        .use(anchors_plugin, min_level=1, max_level=6, slug_func=heading_slug)
    )


PARSER = _parser()


def render_markdown(text: str | None) -> str:
    """Render Markdown to sanitised HTML (a plain str; see `markdown_to_safe_html` for templates)."""
    return sanitise_html(PARSER.render(text or ""))


def markdown_to_safe_html(text: str | None) -> SafeString:
    return mark_safe(render_markdown(text))


def headings(rendered: str, max_level: int = 3) -> list[dict[str, object]]:
    """The headings (level, id, name) down to `max_level` of HTML made by `render_markdown`, in document order."""
    return [
        {"level": int(level), "id": anchor, "name": html.unescape(TAG.sub("", inner))}
        for level, anchor, inner in HEADING.findall(rendered)
        if int(level) <= max_level
    ]
