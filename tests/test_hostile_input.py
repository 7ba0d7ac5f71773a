"""No date, time zone or string typed into any form or filter makes a 500.

The forms are found the way a person finds them: every page the URL walk in test_permissions reaches is opened
by someone allowed to do everything, and every <form> on it is read (its method, its action, its fields). Then
hypothesis fills those fields with arbitrary dates (years 1 to 9999), date-times, numbers and text, in arbitrary
time zones (the browser's zone cookie, including malformed ones), and sends them. Only the answer's class is
checked: refused or accepted, never a server error.
"""

import zoneinfo
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from accounts.middleware import TIMEZONE_COOKIE
from tests.test_permissions import ALL_URLS, build_url, quick_password_hashing, samples  # noqa: F401 - fixtures

# Account pages change who is logged in; the webhook has its own bad-input tests; the admin is Django's.
SKIPPED_PREFIXES = ("/accounts/", "/login", "/logout", "/password", "/admin/", "/api/alerts/")
EDGE_VALUES = [
    "",
    "0",
    "-1",
    "99999999999999999999",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "1969-12-31T23:59",
    "1970-01-01T00:00",
    "2038-01-19T03:14",
    "0000-00-00",
    "2026-02-30",
    "24:00",
    "\x00",
    "Asia%2FTokyo",
    "<script>alert(1)</script>",
    "[" * 300,
    "q " * 500,
]
ZONES = sorted(zoneinfo.available_timezones())
ODD_ZONES = ["", "Asia%2FTokyo", "Not/AZone", "..%2F..%2Fetc%2Fpasswd", "UTC+14", "America", "Etc/GMT-14"]


def as_date(value):
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def as_local_datetime(value):
    return f"{as_date(value)}T{value.hour:02d}:{value.minute:02d}"


FIELD_VALUES = st.one_of(
    st.sampled_from(EDGE_VALUES),
    st.dates().map(as_date),
    st.datetimes().map(as_local_datetime),
    st.integers().map(str),
    st.text(max_size=60),
)
ZONE_NAMES = st.one_of(st.sampled_from(ZONES), st.sampled_from(ODD_ZONES))


class FormFinder(HTMLParser):
    """Every <form> of a page: (method, action, field names)."""

    def __init__(self, page_url):
        super().__init__()
        self.page_url, self.forms, self.current = page_url, [], None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            method = (attributes.get("method") or "get").lower()
            self.current = (method, attributes.get("action") or self.page_url, [])
            self.forms.append(self.current)
        elif (
            tag in {"input", "select", "textarea"}
            and self.current
            and attributes.get("name") not in {None, "", "csrfmiddlewaretoken"}
        ):
            self.current[2].append(attributes["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def reachable_forms(client, samples):
    found = {}
    for name, route in ALL_URLS:
        url = build_url(name, route, samples)
        if url.startswith(SKIPPED_PREFIXES):
            continue
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        finder = FormFinder(url)
        finder.feed(response.content.decode())
        for method, action, fields in finder.forms:
            path = urlsplit(action).path or url
            if fields and not path.startswith(SKIPPED_PREFIXES):
                found.setdefault((method, path), sorted(set(fields)))
    return sorted((method, path, fields) for (method, path), fields in found.items())


@pytest.fixture
def everything_client(db):
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-root-1"))
    return client


@pytest.fixture
def forms(everything_client, samples):
    return reachable_forms(everything_client, samples)


def test_the_walk_finds_the_forms_that_take_dates(forms):
    fields = {field for _, _, names in forms for field in names}
    assert {"started_at", "occurred_at", "next_update_at", "started_min", "due_before"} <= fields


# No shrinking phase: every example is a full request, and the drawn form, values and zone of a failure are
# printed as they are (labelled), which is enough to reproduce it.
@settings(
    max_examples=150,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_form_or_filter_answers_with_a_server_error(forms, everything_client, data):
    method, path, fields = data.draw(st.sampled_from(forms), label="form")
    values = data.draw(
        st.fixed_dictionaries({}, optional=dict.fromkeys(fields, FIELD_VALUES)), label="values"
    )
    everything_client.cookies[TIMEZONE_COOKIE] = data.draw(ZONE_NAMES, label="zone")
    send = everything_client.post if method == "post" else everything_client.get
    response = send(path, values)
    assert response.status_code < 500, f"{method.upper()} {path} {values!r}: {response.status_code}"
