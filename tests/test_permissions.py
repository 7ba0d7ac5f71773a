"""Who may do what, checked for every URL the project has.

The URL resolver is walked, so a view added tomorrow is covered without touching this file: anonymous visitors are
sent to the login page, a viewer can open every page without an error, and a viewer's POST to any address is
refused (403/405) and changes nothing. Only the exceptions are listed by hand: public addresses, the login flow,
read-only POST endpoints, and the URL parameters' sample values.
"""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.roles import EDITOR, RESPONDER, VIEWER
from incidents.models import Incident, Status, TimelineEntry
from meetings.services import start_meeting
from notifications.messages import unsubscribe_token
from tests.conftest import make_user

# Reached without logging in (each has its own protection where it needs one).
PUBLIC = {
    "status:page",
    "status:incident",
    "status:feed",  # the public status page and its Atom feed
    "api:alertmanager",  # token-authenticated webhook
    "notifications:unsubscribe",  # signed one-click unsubscribe link from an email
    "notifications:person_calendar",
    "notifications:team_calendar",  # secret, revocable calendar addresses
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
# POSTs a viewer may make because they change nothing (asserted below) or only their own account/session.
VIEWER_MAY_POST = {
    "markdownx_markdownify",  # live preview: renders Markdown, saves nothing
    "postmortems:check_language",  # blameless-language check on a draft, saves nothing
    "login",
    "logout",
    "password_change",
    "password_reset",
    "password_reset_confirm",
    "notifications:preferences",
    "notifications:revoke_calendar",  # their own notification settings
    "api_tokens:list",
    "api_tokens:revoke",  # their own API tokens
    "postmortems:presence",  # GET-only for viewers: the heartbeat POST is refused (asserted in the postmortem tests)
    "runbooks:presence",
    # Viewers take part in reviews (README): they comment, reply and resolve threads, never edit the text.
    "reviews:add_comment",
    "reviews:resolve_thread",
}
# POSTs that change only the poster's own account (or, with a signed token, that token's owner's settings).
OWN_ACCOUNT_WRITES = {
    "password_change",
    "password_reset_confirm",
    "notifications:revoke_calendar",
    "notifications:unsubscribe",
    "api_tokens:list",
    "api_tokens:revoke",
}
# Review writes a viewer may make: comments and replies, resolving and reopening threads.
VIEWER_REVIEW_WRITES = {"reviews:add_comment", "reviews:resolve_thread"}
# Sample values for URL parameters, by (namespace, parameter), then by parameter alone.
PARAMETER_SAMPLES = {
    ("incidents", "pk"): lambda s: s["incident"].pk,
    ("status", "pk"): lambda s: s["incident"].pk,
    ("postmortems", "pk"): lambda s: s["postmortem"].pk,
    ("postmortems", "incident_pk"): lambda s: s["incident_without_postmortem"].pk,
    ("postmortems", "number"): lambda s: 1,
    ("actions", "pk"): lambda s: s["action_item"].pk,
    ("runbooks", "slug"): lambda s: s["runbook"].slug,
    ("runbooks", "number"): lambda s: 1,
    ("runbooks", "incident_pk"): lambda s: s["incident"].pk,
    ("notifications", "pk"): lambda s: s["notification"].pk,
    ("notifications", "token"): lambda s: s["unsubscribe_token"],
    ("notifications", "feed_token"): lambda s: s["calendar_feed"].token,
    ("notifications", "team_token"): lambda s: s["team"].calendar_token,
    ("notifications", "team"): lambda s: s["team"].name,
    ("notifications", "channel_pk"): lambda s: s["chat_channel"].pk,
    ("notifications", "postmortem_pk"): lambda s: s["postmortem"].pk,
    ("services", "pk"): lambda s: s["service"].pk,
    ("categories", "pk"): lambda s: s["category"].pk,
    ("api_tokens", "pk"): lambda s: s["api_token"].pk,
    # The JSON API's routes start with their record kind (rest_api:incident-…): the same sample as its page.
    ("rest_api:incident", "pk"): lambda s: s["incident"].pk,
    ("rest_api:action-item", "pk"): lambda s: s["action_item"].pk,
    ("rest_api:postmortem", "pk"): lambda s: s["postmortem"].pk,
    ("rest_api:runbook", "slug"): lambda s: s["runbook"].slug,
    ("rest_api:service", "pk"): lambda s: s["service"].pk,
    ("rest_api:category", "pk"): lambda s: s["category"].pk,
    ("meetings", "pk"): lambda s: s["meeting"].pk,
    ("meetings", "position"): lambda s: 1,
    ("meetings", "team"): lambda s: s["team"].name,
    ("meetings", "item_pk"): lambda s: s["action_item"].pk,
    ("reviews", "pk"): lambda s: s["postmortem"].pk,
    ("reviews", "comment_pk"): lambda s: s["comment"].pk,
    (None, "uidb64"): lambda s: "MQ",
    (None, "token"): lambda s: "set-password",
    (None, "path"): lambda s: s["uploaded_image"],
}
# Write actions and the least role allowed to make them (the roles in accounts/roles.py, per the design).
LEAST_ROLE_FOR_POST = {
    "incidents:declare": RESPONDER,
    "incidents:edit": RESPONDER,
    "incidents:add_timeline_entry": RESPONDER,
    "incidents:change_status": RESPONDER,
    "incidents:status_update": RESPONDER,
    "incidents:tick_checklist": RESPONDER,
    "postmortems:start": EDITOR,
    "postmortems:edit": EDITOR,
    "postmortems:workflow": EDITOR,
    "postmortems:revision_restore": EDITOR,
    "actions:create": EDITOR,
    "actions:edit": EDITOR,
    "actions:quick_update": EDITOR,
    "runbooks:create": EDITOR,
    "runbooks:edit": EDITOR,
    "runbooks:mark_reviewed": EDITOR,
    "runbooks:practise": EDITOR,
    "runbooks:revision_restore": EDITOR,
    "runbooks:record_usage": RESPONDER,
    "transfer:import": EDITOR,
    "notifications:team": EDITOR,
    "notifications:add_channel": EDITOR,
    "notifications:remove_channel": EDITOR,
    "notifications:revoke_team_calendar": EDITOR,
    "notifications:review_meeting": EDITOR,
    "services:create": EDITOR,
    "services:edit": EDITOR,
    "services:merge": EDITOR,
    "categories:create": EDITOR,
    "categories:edit": EDITOR,
    "categories:merge": EDITOR,
    # JSON API writes by session (a form post: refused, or 415 for JSON only, once the role allows it).
    "rest_api:incident-list": RESPONDER,
    "rest_api:incident-change-status": RESPONDER,
    "rest_api:incident-add-timeline-entry": RESPONDER,
    "rest_api:incident-post-status-update": RESPONDER,
    "rest_api:action-item-list": EDITOR,
    "rest_api:action-item-assign": EDITOR,
    "rest_api:action-item-change-status": EDITOR,
    "meetings:start": EDITOR,
    "meetings:decide": EDITOR,
    "meetings:time": EDITOR,
    "meetings:notes": EDITOR,
    "meetings:end": EDITOR,
    "reviews:public_summary": EDITOR,
}
ROLE_ORDER = [VIEWER, RESPONDER, EDITOR]
# Plausible form data, so a view that validated before checking permissions would be caught writing.
POST_DATA = {
    "title": "Written by someone who may not",
    "text": "Should not be saved",
    "body": "Should not be saved",
    "status": Status.RESOLVED,
    "severity": "1",
    "note": "x",
    "kind": "observation",
    "headline": "x",
    "message": "x",
    "action": "publish",
    "loaded_version": "1",
    "summary": "x",
}
# Tables a request could write to (sessions and login records change by design on some of these requests).
PROJECT_APPS = {
    "auth",
    "incidents",
    "postmortems",
    "runbooks",
    "documents",
    "search",
    "insights",
    "dashboard",
    "notifications",
    "api",
    "meetings",
    "references",
    "reviews",
}
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def url_patterns(patterns=None, prefix="", namespace=None):
    """(qualified name, route) for every URL in the project except the admin site (tested separately)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from url_patterns(
                pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name or f"(unnamed) {prefix}{pattern.pattern}", prefix + str(pattern.pattern)


ALL_URLS = sorted(set(url_patterns()))
# The JSON API answers 401 without a token (or a session) instead of sending anyone to the login page; its docs
# page is an ordinary signed-in page.
PUBLIC |= {name for name, _ in ALL_URLS if name.startswith("rest_api:") and name != "rest_api:docs"}


def build_url(name, route, samples):
    namespace = name.split(":")[0] if ":" in name else None

    def sample(match):
        parameter = match["name"]
        by_route = [
            find
            for (key, param), find in PARAMETER_SAMPLES.items()
            if param == parameter and name.startswith(f"{key}-")
        ]  # ("rest_api:incident", "pk") serves rest_api:incident-detail, rest_api:incident-change-status …
        find = (
            next(iter(by_route), None)
            or PARAMETER_SAMPLES.get((namespace, parameter))
            or PARAMETER_SAMPLES.get((None, parameter))
        )
        assert find, f"No sample for <{parameter}> in {name}: add one to PARAMETER_SAMPLES"
        return str(find(samples))

    return "/" + PARAMETER.sub(sample, route)


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """Hundreds of users are made here; the production hasher would spend a minute on them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def samples(db, make_incident, service, settings, tmp_path, viewer):
    """One of everything a URL can point at, built through each app's own saving paths where there is one."""
    author = make_user("sam", EDITOR)
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / settings.MARKDOWNX_MEDIA_PATH).mkdir()
    (tmp_path / settings.MARKDOWNX_MEDIA_PATH / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    incident = make_incident(services=[service], timeline=2)
    objects = {
        "incident": incident,
        "incident_without_postmortem": make_incident(services=[service]),
        "service": service,
        "category": apps.get_model("incidents", "Category").objects.create(name="bad deploy"),
        "api_token": apps.get_model("api", "ApiToken").issue(user=author, name="deploys")[0],
    }
    apps.get_model("incidents", "StatusUpdate").objects.create(
        incident=incident, status=incident.status, headline="Checkout is failing", message="We are on it."
    )
    Postmortem = apps.get_model("postmortems", "Postmortem")
    objects["postmortem"] = Postmortem(
        incident=incident, title="Checkout outage", body="## Summary\nIt broke."
    )
    objects["postmortem"].save_revision(author)
    objects["action_item"] = apps.get_model("postmortems", "ActionItem").objects.create(
        postmortem=objects["postmortem"],
        title="Add a pool-size alert",
        team=service.team,  # as create_action_item gives it: the sample meeting's agenda then has it
        due_date=timezone.localdate() + timedelta(7),
    )
    Runbook = apps.get_model("runbooks", "Runbook")
    objects["runbook"] = Runbook(title="Checkout API", slug="checkout-api", body="## Overview")
    objects["runbook"].save_revision(author)
    objects["uploaded_image"] = "diagram.png"
    objects["comment"] = apps.get_model("reviews", "ReviewComment").objects.create(
        postmortem=objects["postmortem"], author=author, body="Is the pool size the whole story?"
    )
    notifications = apps.get_model("notifications", "Notification")
    objects["notification"] = notifications.objects.create(
        kind="action_assigned", recipient=viewer, subject="Assigned to you", body_text="You have it."
    )
    objects["unsubscribe_token"] = unsubscribe_token(user_id=author.pk, kind="action_overdue")
    objects["calendar_feed"] = apps.get_model("notifications", "CalendarFeed").objects.create(user=author)
    objects["team"] = apps.get_model("notifications", "Team").objects.create(name=service.team)
    objects["chat_channel"] = objects["team"].chat_channels.create(
        name="#payments", url="json://127.0.0.1:9/hook"
    )
    objects["meeting"] = start_meeting(team=objects["team"], service=None, attendees=[author], by=author)
    return objects


def database_fingerprint():
    """Row counts of every table and the full contents of the tables a write action would touch."""
    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
    }
    watched = [
        Incident,
        TimelineEntry,
        *(
            apps.get_model(label)
            for label in (
                "postmortems.Postmortem",
                "postmortems.ActionItem",
                "runbooks.Runbook",
                "documents.Revision",
            )
        ),
    ]
    contents = {model._meta.label: list(model._default_manager.order_by("pk").values()) for model in watched}
    return counts, contents


@pytest.mark.parametrize(("name", "route"), ALL_URLS, ids=[name for name, _ in ALL_URLS])
def test_anonymous_visitors_are_sent_to_log_in(name, route, samples):
    url = build_url(name, route, samples)
    response = Client().get(url)
    if name in PUBLIC:
        assert not (response.status_code == 302 and reverse("login") in response["Location"]), url
        assert response.status_code < 500
    else:
        assert response.status_code == 302, f"{url} answered {response.status_code} to an anonymous visitor"
        assert response["Location"].startswith(reverse("login") + "?next="), response["Location"]


@pytest.mark.parametrize(("name", "route"), ALL_URLS, ids=[name for name, _ in ALL_URLS])
def test_viewers_can_open_every_page_without_an_error(name, route, samples, viewer_client):
    response = viewer_client.get(build_url(name, route, samples))
    # 403: an edit form the viewer may not use; 405: a POST-only action. Never a crash or a broken link.
    assert response.status_code in {200, 302, 403, 405}, f"{name}: {response.status_code}"


@pytest.mark.parametrize(("name", "route"), ALL_URLS, ids=[name for name, _ in ALL_URLS])
def test_a_viewers_post_is_refused_and_changes_nothing(name, route, samples, viewer):
    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    before = database_fingerprint()
    response = client.post(build_url(name, route, samples), POST_DATA)
    assert response.status_code != 500
    if name not in VIEWER_MAY_POST and name not in PUBLIC and response.status_code not in {403, 405}:
        # Only a read page that ignores the method (a function view without @require_safe) gets here: it
        # must answer as it does to GET, and the database check below proves it wrote nothing.
        assert response.status_code == 200, f"{name}: a viewer's POST got {response.status_code}"
    if name not in OWN_ACCOUNT_WRITES | VIEWER_REVIEW_WRITES:
        assert database_fingerprint() == before, f"{name}: a viewer's POST changed the database"


def role_client(role):
    client = Client()
    client.force_login(make_user(f"someone-{role.lower()}", role))
    return client


LISTED_ACTIONS = [(name, route) for name, route in ALL_URLS if name in LEAST_ROLE_FOR_POST]


@pytest.mark.parametrize(("name", "route"), LISTED_ACTIONS, ids=[name for name, _ in LISTED_ACTIONS])
def test_write_actions_need_the_right_role(name, route, samples):
    url = build_url(name, route, samples)
    least = ROLE_ORDER.index(LEAST_ROLE_FOR_POST[name])
    for role in ROLE_ORDER:
        response = role_client(role).post(url, POST_DATA)
        if ROLE_ORDER.index(role) < least:
            assert response.status_code == 403, f"{role} was allowed to POST to {name}"
        else:
            assert response.status_code not in {403, 405}, f"{role} was refused at {name}"


def test_every_listed_action_is_a_real_route():
    names = {name for name, _ in ALL_URLS}
    assert not set(LEAST_ROLE_FOR_POST) - names


@pytest.mark.django_db
def test_only_staff_reach_the_admin_and_manage_users(viewer_client, editor):
    response = viewer_client.get("/admin/auth/user/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    users_before = get_user_model().objects.count()
    viewer_client.post(
        "/admin/auth/user/add/", {"username": "intruder", "password1": "x" * 12, "password2": "x" * 12}
    )
    assert get_user_model().objects.count() == users_before
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-admin-1"))
    assert admin.get("/admin/auth/user/").status_code == 200
