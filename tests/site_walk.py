"""Walk the site the way a person clicks through it: every internal link and every GET form, breadth-first.

`walk_site(client)` starts from the home page and the main navigation, follows every `<a href>` and submits every
GET `<form>` (with its default values, and once per filter with that filter's first choice picked), and yields a
`Visit` for each address it fetched. Pages are grouped by their *shape* — the URL's route name plus the query
parameters that carry a value — and only a few pages of each shape are fetched, so a list with thousands of rows
costs a handful of requests (a few records of each kind; one page of each combination of filters) while every new page, filter or sort is still reached the day it is added.

The walk asserts nothing itself: tests/test_link_walk.py checks what it yields (status, malformed addresses,
pagination), and a browser test can open each visited address in Chromium (see `visited_urls`).
"""

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

# Addresses the walk never fetches, and why. Everything else a page links to is followed.
SKIPPED_PREFIXES = {
    "/accounts/logout/": "ends the session the walk is using",
    "/admin/": "Django's own admin site; tests/test_permissions.py covers who reaches it",
}
SKIPPED_ROUTES = {
    # No GET link in the site writes anything today; a route that did would be named here with its reason.
}
MALFORMED_QUERY_MARKS = ("??", "?&", "&&")
PAGES_PER_SHAPE = 3
PAGE_LIMIT = 600


@dataclass
class Link:
    href: str
    rel: str = ""
    in_results: bool = False  # inside a <tbody> or <ol>: one row of a list
    in_header: bool = False  # the site header: brand and main navigation


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # what submitting it unchanged sends
    choices: dict[str, list[str]] = field(default_factory=dict)  # select/checkbox name → values it offers
    empty_labels: list[str] = field(default_factory=list)  # the text of each select's empty option


class PageParser(HTMLParser):
    """The links and forms of one HTML page (stdlib parser: no browser, no dependency)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self.forms: list[Form] = []
        self._results_depth = 0
        self._header_depth = 0
        self._select: tuple[str, bool] | None = None  # (name, multiple)
        self._options: list[dict] = []
        self._option: dict | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        form = self.forms[-1] if self.forms else None
        if tag in {"tbody", "ol"}:
            self._results_depth += 1
        elif tag == "header":
            self._header_depth += 1
        elif tag == "a" and "href" in attributes:
            self.links.append(
                Link(
                    attributes["href"],
                    attributes.get("rel", ""),
                    self._results_depth > 0,
                    self._header_depth > 0,
                )
            )
        elif tag == "form":
            self.forms.append(Form(attributes.get("method", "get").lower(), attributes.get("action", "")))
        elif form is None:
            return
        elif tag == "input" and attributes.get("name") and "disabled" not in attributes:
            self._add_input(form, attributes)
        elif tag == "select" and attributes.get("name"):
            self._select = (attributes["name"], "multiple" in attributes)
            self._options = []
        elif tag == "option" and self._select:
            self._option = {
                "value": attributes.get("value"),
                "selected": "selected" in attributes,
                "text": "",
            }
        elif tag == "textarea" and attributes.get("name"):
            self._textarea = attributes["name"]
            form.fields.append((self._textarea, ""))

    def _add_input(self, form, attributes):
        name, kind, value = (
            attributes["name"],
            attributes.get("type", "text").lower(),
            attributes.get("value"),
        )
        if kind in {"checkbox", "radio"}:
            form.choices.setdefault(name, []).append(value or "on")
            if "checked" in attributes:
                form.fields.append((name, value or "on"))
        elif kind not in {"submit", "button", "image", "reset", "file"}:
            form.fields.append((name, value or ""))

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        elif self._textarea is not None and self.forms:
            name, text = self.forms[-1].fields[-1]
            self.forms[-1].fields[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag in {"tbody", "ol"}:
            self._results_depth = max(0, self._results_depth - 1)
        elif tag == "header":
            self._header_depth = max(0, self._header_depth - 1)
        elif tag == "option" and self._option is not None:
            self._end_option()
        elif tag == "select" and self._select:
            self._end_select()
        elif tag == "textarea":
            self._textarea = None

    def _end_option(self):
        option, self._option = self._option, None
        if option["value"] is None:
            option["value"] = option["text"].strip()
        self._options.append(option)

    def _end_select(self):
        (name, multiple), self._select = self._select, None
        form, options = self.forms[-1], self._options
        form.choices[name] = [option["value"] for option in options if option["value"]]
        form.empty_labels += [option["text"].strip() for option in options if not option["value"]]
        values = [option["value"] for option in options if option["selected"]]
        if not values and not multiple and options:
            values = [options[0]["value"]]  # a single select with nothing selected sends its first option
        form.fields.extend((name, value) for value in values)


@dataclass
class Visit:
    url: str
    status: int
    content_type: str
    referrer: str | None
    links: list[Link] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    location: str = ""  # where a redirect points

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")

    def next_page_url(self) -> str | None:
        return next((urljoin(self.url, link.href) for link in self.links if "next" in link.rel.split()), None)

    def first_row(self) -> str | None:
        return next((link.href for link in self.links if link.in_results), None)

    def get_form_values(self) -> list[list[tuple[str, str]]]:
        return [sorted(form.fields) for form in self.forms if form.method == "get"]


def fetch(client: Client, url: str, referrer: str | None = None) -> Visit:
    response = client.get(url)
    visit = Visit(
        url,
        response.status_code,
        response.get("Content-Type", ""),
        referrer,
        location=response.get("Location", ""),
    )
    if visit.is_html and response.status_code == 200 and not getattr(response, "streaming", False):
        parser = PageParser()
        parser.feed(response.content.decode())
        visit.links, visit.forms = parser.links, parser.forms
    return visit


def is_internal(href: str) -> bool:
    scheme_or_host = urlsplit(href)
    return not (scheme_or_host.scheme or scheme_or_host.netloc) and not href.startswith("#")


def skip_reason(url: str) -> str | None:
    path = urlsplit(url).path
    for prefix, reason in SKIPPED_PREFIXES.items():
        if path.startswith(prefix):
            return reason
    return SKIPPED_ROUTES.get(route_name(url))


def route_name(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return f"(no route) {urlsplit(url).path}"


def shape(url: str) -> tuple[str, frozenset[str]]:
    """Pages that differ only in which row, page or record they show have the same shape."""
    return route_name(url), frozenset(key for key, value in parse_qsl(urlsplit(url).query) if value)


def form_submissions(page_url: str, form: Form, filtered: bool) -> Iterator[str]:
    """The form sent as it stands and, on an unfiltered page, once per field with its first choice picked."""
    action = urljoin(page_url, form.action or page_url).split("#")[0]
    base = urlunsplit(urlsplit(action)._replace(query=""))
    yield f"{base}?{urlencode(form.fields)}"
    if filtered:
        return
    for name, values in form.choices.items():
        if values:
            fields = [(key, value) for key, value in form.fields if key != name] + [(name, values[0])]
            yield f"{base}?{urlencode(fields)}"


def nav_urls(client: Client) -> list[str]:
    home = fetch(client, "/")
    return ["/", *(link.href for link in home.links if link.in_header and is_internal(link.href))]


def walk_site(
    client: Client,
    *,
    extra_starts: Iterable[str] = (),
    pages_per_shape: int = PAGES_PER_SHAPE,
    limit: int = PAGE_LIMIT,
) -> Iterator[Visit]:
    """Breadth-first from every navigation page (and `extra_starts`); yields each fetched page once."""
    queue = deque((url, None) for url in [*nav_urls(client), *extra_starts])
    seen: set[str] = set()
    per_shape: dict[tuple[str, frozenset[str]], int] = {}
    while queue and len(seen) < limit:
        url, referrer = queue.popleft()
        if url in seen or skip_reason(url):
            continue
        key = shape(url)
        if per_shape.get(key, 0) >= (1 if key[1] else pages_per_shape):
            continue
        seen.add(url)
        per_shape[key] = per_shape.get(key, 0) + 1
        visit = fetch(client, url, referrer)
        yield visit
        if visit.location and is_internal(visit.location):
            queue.append((urljoin(url, visit.location), url))
        for link in visit.links:
            if is_internal(link.href):
                queue.append((urljoin(url, link.href).split("#")[0], url))
        filtered = bool(key[1])
        for form in visit.forms:
            if form.method == "get":
                queue.extend((submission, url) for submission in form_submissions(url, form, filtered))


def visited_urls(client: Client, **bounds) -> list[str]:
    """Every address the walk reaches, for a test that opens them elsewhere (a browser, an accessibility check)."""
    return [visit.url for visit in walk_site(client, **bounds) if visit.status == 200 and visit.is_html]


def seed_site() -> None:
    """The demo organisation: every list has several pages once the page size is small."""
    call_command("seed_demo", stdout=StringIO())
