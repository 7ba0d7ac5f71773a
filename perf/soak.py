"""A soak test's clients: real HTTP on loopback, logged in through the login form, mixing reads and writes.

Each client owns one incident, one draft postmortem and one action item, so after the run every write that got
a success response can be checked exactly: timeline entries present once each, the action item in the last
acknowledged status, the postmortem holding the last acknowledged text (and a revision for every save). Two
clients also edit one shared postmortem at the same time, each adding its own lines: their saves conflict (409,
expected) and are merged by re-reading and re-applying the addition; every acknowledged line must survive.
Any 4xx a client did not deliberately provoke is counted as a failure: a soak must not pass by not testing.
Standard library only (urllib), so it measures the server, not a client library.
"""

import http.client
import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class FormFields(HTMLParser):
    """The fields a browser would submit from the form posting to `action` (or to the page itself)."""

    def __init__(self, action):
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.fields = action, False, []
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") in {self.action, "", None} and attrs.get("method") == "post"
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in {"submit", "button", "file", "checkbox", "radio"}:
            self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "input" and "checked" in attrs:
            self.fields.append((attrs["name"], attrs.get("value") or "on"))
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value") or ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


@dataclass
class Ledger:
    """What one client was told was saved."""

    timeline_texts: list = field(default_factory=list)
    action_statuses: list = field(default_factory=list)
    postmortem_bodies: list = field(default_factory=list)
    shared_lines: list = field(default_factory=list)  # lines added to the shared postmortem, acknowledged


@dataclass
class Outcome:
    statuses: Counter = field(default_factory=Counter)
    connection_errors: int = 0
    server_errors: list = field(default_factory=list)  # (time, method, path, status)
    unavailable: list = field(default_factory=list)  # times of 503s
    unfriendly_503s: int = 0  # a 503 that is not our outage page (e.g. a stack trace or a bare proxy error)
    unexpected_4xx: list = field(default_factory=list)  # (method, path, status) the client did not provoke
    conflicts: int = 0  # 409s from the shared postmortem (expected: two people editing at once)
    successes_at: list = field(default_factory=list)
    failures_at: list = field(default_factory=list)  # times of connection errors and 5xx (503s included)


@dataclass
class Owned:
    username: str
    password: str
    incident_id: int
    postmortem_id: int
    action_item_id: int
    user_id: int
    shared_postmortem_id: int | None = None  # set for the clients that edit one postmortem together


OUTAGE_PAGE_TEXT = "Hindsight is briefly unavailable"
ACTION_STATUSES = ["in_progress", "done", "open"]
READ_PATHS = ["/", "/incidents/", "/incidents/?status=open", "/action-items/review/", "/postmortems/"]


class SoakClient(threading.Thread):
    def __init__(self, number, base_url, owned, deadline, seed, run_tag):
        super().__init__(name=f"soak-client-{number}", daemon=True)
        self.marker_prefix = f"soak {run_tag} c{number} "
        self.number, self.base_url, self.owned, self.deadline = number, base_url, owned, deadline
        self.rng = random.Random(seed)
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects)
        self.ledger, self.outcome = Ledger(), Outcome()
        self.sequence = 0

    # --- HTTP -----------------------------------------------------------------------------------------
    def request(self, method, path, data=None, expected_4xx=frozenset()):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, method=method)
        try:
            with self.opener.open(request, timeout=30) as response:
                status, text = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode("utf-8", "replace")
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError):
            self.outcome.connection_errors += 1
            self.outcome.failures_at.append(time.monotonic())
            return None, ""
        now = time.monotonic()
        self.outcome.statuses[status] += 1
        if status >= 500:
            self.outcome.failures_at.append(now)
        if status >= 500 and status != 503:
            self.outcome.server_errors.append((now, method, path, status))
        elif status == 503:
            self.outcome.unavailable.append(now)
            if OUTAGE_PAGE_TEXT not in text:
                self.outcome.unfriendly_503s += 1
        else:
            self.outcome.successes_at.append(now)
            if 400 <= status < 500 and status not in expected_4xx:
                self.outcome.unexpected_4xx.append((method, path, status))
        return status, text

    def csrf_token(self):
        return next((cookie.value for cookie in self.jar if cookie.name == "csrftoken"), "")

    def post(self, path, data, expected_4xx=frozenset()):
        return self.request("POST", path, {**data, "csrfmiddlewaretoken": self.csrf_token()}, expected_4xx)

    def log_in(self):
        while time.monotonic() < self.deadline:
            self.request("GET", "/accounts/login/")
            status, _ = self.post(
                "/accounts/login/", {"username": self.owned.username, "password": self.owned.password}
            )
            # (a 200 here is the login form again: wrong password or the database was down; retried)
            if status == 302:
                return True
            time.sleep(0.5)
        return False

    # --- the work ---------------------------------------------------------------------------------------
    def run(self):
        if not self.log_in():
            return
        actions = (
            [self.read] * 10
            + [self.add_timeline_entry] * 4
            + [self.change_action_item] * 3
            + [self.save_postmortem] * 3
        )
        if self.owned.shared_postmortem_id:
            actions += [self.edit_shared_postmortem] * 6
        while time.monotonic() < self.deadline:
            self.rng.choice(actions)()

    def next_marker(self):
        self.sequence += 1
        return f"{self.marker_prefix}n{self.sequence}"

    def read(self):
        path = self.rng.choice(
            READ_PATHS
            + [f"/incidents/{self.owned.incident_id}/", f"/postmortems/{self.owned.postmortem_id}/"]
        )
        self.request("GET", path)

    def add_timeline_entry(self):
        text = self.next_marker()
        status, _ = self.post(
            f"/incidents/{self.owned.incident_id}/timeline/",
            {"kind": "observation", "text": text, "occurred_at": ""},
        )
        if status == 302:
            self.ledger.timeline_texts.append(text)

    def change_action_item(self):
        new_status = ACTION_STATUSES[self.sequence % len(ACTION_STATUSES)]
        self.next_marker()
        status, _ = self.post(
            f"/action-items/{self.owned.action_item_id}/quick/",
            {"owner": self.owned.username, "status": new_status, "wont_do_reason": ""},
        )
        if status == 302:
            self.ledger.action_statuses.append(new_status)

    def editor_form(self, edit_path):
        """The edit page's form fields as a browser would submit them, or None if the page did not load."""
        status, page = self.request("GET", edit_path)
        if status != 200:
            return None
        parser = FormFields(edit_path)
        parser.feed(page)
        return [(name, value) for name, value in parser.fields if name != "csrfmiddlewaretoken"]

    def save_postmortem(self):
        edit_path = f"/postmortems/{self.owned.postmortem_id}/edit/"
        data = self.editor_form(edit_path)
        if data is None:
            return
        body = f"## Summary\nSaved by the soak test: {self.next_marker()}."
        data = [(name, body if name == "body" else value) for name, value in data]
        data.append(("csrfmiddlewaretoken", self.csrf_token()))
        status, _ = self.request("POST", edit_path, data)
        if status == 302:
            self.ledger.postmortem_bodies.append(body)

    def edit_shared_postmortem(self, attempts=5):
        """Add one line to the postmortem another client is editing too; on a conflict, merge and try again."""
        edit_path = f"/postmortems/{self.owned.shared_postmortem_id}/edit/"
        line = f"- {self.next_marker()}"
        for _ in range(attempts):
            data = self.editor_form(edit_path)
            if data is None:
                return
            # A person's merge: their text as it now is, plus my line.
            data = [
                (name, f"{value.rstrip()}\n{line}\n" if name == "body" else value) for name, value in data
            ]
            data.append(("csrfmiddlewaretoken", self.csrf_token()))
            status, _ = self.request("POST", edit_path, data, expected_4xx={409})
            if status == 302:
                self.ledger.shared_lines.append(line)
                return
            if status != 409:
                return
            self.outcome.conflicts += 1
