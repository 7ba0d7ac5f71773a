"""Markdown to safe HTML: the one place user Markdown becomes markup.

Everything shown from Markdown goes through `render_markdown`, which renders with markdown-it-py and then
sanitises with nh3 (an allow-list: no scripts, no event handlers, no javascript: URLs, no iframes).

markdown-it-py is used because its cost grows linearly with the text: Python-Markdown took seconds to minutes on
a few kilobytes of nested or unclosed brackets. Pages show HTML stored when the text was saved (see
`VersionedDocument.rendered_body`, `Incident.summary_html`); only saves and the rate-limited live preview render.

References (`INC-12`, `[[Runbook title]]`, `runbook:slug`, `@username`) become links in a core rule working on
the token stream, so code spans, code blocks and existing links are never touched. This module knows no models:
the resolver named by settings.HINDSIGHT_REFERENCE_RESOLVER turns every reference of a text into a `Link` in one
call (one query per kind), and references it does not return stay plain text.
"""

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

import nh3
from django.conf import settings
from django.db.models import Model
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
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


# --- References -------------------------------------------------------------------------------------------
# Not after a word character or a slash (`a@b.example`, `/INC-3`), and not running on into one (`INC-3a`).
REFERENCE = re.compile(
    r"(?<![\w/@-])(?:"
    r"INC-(?P<incident>\d{1,12})"
    r"|runbook:(?P<slug>[A-Za-z0-9][A-Za-z0-9_-]*)"
    r"|\[\[(?P<title>[^\[\]\n]{1,200})\]\]"
    r"|@(?P<person>[\w+-](?:[\w.+-]*[\w+-])?)"
    r")(?![\w])"
)
SENTENCE_END = re.compile(r"[.!?](?=\s)")
MAX_SENTENCE = 300


@dataclass(frozen=True)
class Ref:
    """A reference as written: `kind` is incident, runbook_slug, runbook_title or person; `key` identifies it."""

    kind: str
    key: str
    written: str


@dataclass(frozen=True)
class Link:
    """What a resolver found for a reference: where it points and what the link says on hover."""

    href: str
    title: str
    kind: str  # incident, runbook or person: the link's class and the kind of `target`
    target: Model
    # False for what not every reader may see (a restricted incident): the rendered HTML is stored once and shown
    # to everyone, so it stays plain text and the editor warns as for a missing one; it is still a reference
    # (a backlink its own people see).
    shown: bool = True


@dataclass(frozen=True)
class Mention:
    ref: Ref
    sentence: str
    link: Link | None  # None: nothing by that name (rendered as plain text)

    @property
    def plain(self) -> bool:
        """Rendered as plain text: nothing by that name, or nothing every reader may see."""
        return self.link is None or not self.link.shown


Resolver = Callable[[Iterable[Ref]], dict[Ref, Link]]


def _ref_of(match: re.Match) -> Ref:
    if match["incident"]:
        return Ref("incident", str(int(match["incident"])), match[0])
    if match["slug"]:
        return Ref("runbook_slug", match["slug"].lower(), match[0])
    if match["title"]:
        return Ref("runbook_title", " ".join(match["title"].split()).lower(), match[0])
    return Ref("person", match["person"], match[0])


def sentence_around(source: str, start: int, end: int) -> str:
    """The sentence of `source` holding source[start:end], whitespace collapsed, at most MAX_SENTENCE long."""
    begin = max((m.end() for m in SENTENCE_END.finditer(source, 0, start)), default=0)
    stop = SENTENCE_END.search(source, end)
    sentence = " ".join(source[begin : stop.end() if stop else len(source)].split())
    if len(sentence) > MAX_SENTENCE:
        written = source[start:end]
        at = max(sentence.find(written) - MAX_SENTENCE // 3, 0)
        sentence = "…" + sentence[at : at + MAX_SENTENCE - 2] + "…"
    return sentence


def _plain_text_children(block: Token) -> Iterable[tuple[int, Token]]:
    """The text tokens of an inline block that are outside links (Markdown links and raw <a> alike)."""
    depth = 0
    for index, child in enumerate(block.children or []):
        if child.type == "link_open" or (child.type == "html_inline" and re.match(r"<a[\s>]", child.content)):
            depth += 1
        elif child.type == "link_close" or (child.type == "html_inline" and child.content.startswith("</a")):
            depth = max(depth - 1, 0)
        elif child.type == "text" and depth == 0:
            yield index, child


def _link_tokens(written: str, link: Link) -> list[Token]:
    opening = Token("link_open", "a", 1)
    opening.attrs = {"href": link.href, "title": link.title, "class": f"xref xref--{link.kind}"}
    label = Token("text", "", 0)
    label.content = written
    return [opening, label, Token("link_close", "a", -1)]


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def references_rule(state: StateCore) -> None:
    """Find every reference, resolve them all at once, then split text tokens around the ones that exist."""
    resolve = state.env.get("resolve_references")
    if resolve is None:
        return
    found: list[
        tuple[Token, list[Token], int, list[re.Match[str]]]
    ] = []  # (block, its children, index, matches)
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        for index, child in _plain_text_children(block):
            matches = list(REFERENCE.finditer(child.content))
            if matches:
                found.append((block, block.children, index, matches))
    if not found:
        return
    links = resolve({_ref_of(match) for _, _, _, matches in found for match in matches})
    mentions = state.env.setdefault("reference_mentions", [])
    for block, children, index, matches in found:
        text = children[index].content
        for match in matches:
            ref = _ref_of(match)
            mentions.append(Mention(ref=ref, sentence=_sentence(block, text, match), link=links.get(ref)))
    # Back to front, so the indexes of tokens still to be replaced stay valid.
    for _, children, index, matches in reversed(found):
        children[index : index + 1] = _split_around_links(children[index].content, matches, links)


def _sentence(block: Token, text: str, match: re.Match) -> str:
    """The sentence around a match, from the block's Markdown source (the text token lost its markup)."""
    at = -1
    for _ in range(text.count(match[0], 0, match.start()) + 1):  # the same occurrence, counted in the text
        at = block.content.find(match[0], at + 1)
    if at < 0:
        return sentence_around(text, match.start(), match.end())
    return sentence_around(block.content, at, at + len(match[0]))


def _split_around_links(text: str, matches: list[re.Match], links: dict[Ref, Link]) -> list[Token]:
    pieces, position = [], 0
    for match in matches:
        link = links.get(_ref_of(match))
        if link is None or not link.shown:
            continue  # stays in the surrounding text
        if match.start() > position:
            pieces.append(_text_token(text[position : match.start()]))
        pieces.extend(_link_tokens(match[0], link))
        position = match.end()
    if position < len(text):
        pieces.append(_text_token(text[position:]))
    return pieces


@cache
def configured_resolver() -> Resolver | None:
    path = getattr(settings, "HINDSIGHT_REFERENCE_RESOLVER", "")
    return import_string(path) if path else None


def _parser() -> MarkdownIt:
    # CommonMark plus tables, strikethrough, footnotes, definition lists and heading anchors. Raw HTML is parsed
    # (nh3 then keeps only the allow-list). A parser keeps no state between documents, so one serves every thread.
    return (
        MarkdownIt("commonmark", {"html": True})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
        .use(deflist_plugin)
        .use(anchors_plugin, min_level=1, max_level=6, slug_func=heading_slug)
        .use(lambda md: md.core.ruler.after("text_join", "references", references_rule))
    )


PARSER = _parser()


@dataclass(frozen=True)
class Rendered:
    html: str
    mentions: list[Mention]

    @property
    def missing(self) -> list[str]:
        """References to nothing that exists, as written, each once, in the order they appear."""
        return list(dict.fromkeys(m.ref.written for m in self.mentions if m.plain))


def render(text: str | None, *, resolver: Resolver | None = None) -> Rendered:
    """Sanitised HTML and the references found on the way (linked when `resolver` finds them)."""
    env: dict = {"resolve_references": resolver} if resolver else {}
    markup = sanitise_html(PARSER.render(text or "", env))
    return Rendered(html=markup, mentions=env.get("reference_mentions", []))


def find_references(text: str | None, *, resolver: Resolver | None = None) -> list[Mention]:
    """The references in `text`, resolved, without rendering it (for backlinks and search)."""
    resolver = resolver or configured_resolver()
    if not text or resolver is None:
        return []
    env: dict = {"resolve_references": resolver}
    PARSER.parse(text, env)
    return env.get("reference_mentions", [])


def missing_references(text: str | None) -> list[str]:
    """References in `text` to nothing that exists, as written, each once."""
    return list(dict.fromkeys(m.ref.written for m in find_references(text) if m.plain))


def render_markdown(text: str | None) -> str:
    """Render Markdown to sanitised HTML, references linked (a plain str; see `markdown_to_safe_html`)."""
    return render(text, resolver=configured_resolver()).html


def render_preview(text: str | None) -> str:
    """The editor's live preview: the rendered text, after a warning naming references to nothing."""
    rendered = render(text, resolver=configured_resolver())
    if not rendered.missing:
        return rendered.html
    warning = html.escape(missing_references_warning(rendered.missing))
    return f'<p class="preview-warning" role="status">{warning}</p>\n{rendered.html}'


def missing_references_warning(missing: list[str]) -> str:
    """The same words for an incident that does not exist and one that is restricted, so the warning reveals
    nothing (the people on a restricted incident learn why it stays plain text)."""
    return "; ".join(_missing(written) for written in missing) + "."


def _missing(written: str) -> str:
    if written.startswith("INC-"):
        return f"{written} does not exist or is restricted"
    return f"{written} does not exist"


def markdown_to_safe_html(text: str | None) -> SafeString:
    return mark_safe(render_markdown(text))


def headings(rendered: str, max_level: int = 3) -> list[dict[str, object]]:
    """The headings (level, id, name) down to `max_level` of HTML made by `render_markdown`, in document order."""
    return [
        {"level": int(level), "id": anchor, "name": html.unescape(TAG.sub("", inner))}
        for level, anchor, inner in HEADING.findall(rendered)
        if int(level) <= max_level
    ]
