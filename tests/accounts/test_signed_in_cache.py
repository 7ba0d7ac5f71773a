"""With a shared cache (Redis), the signed-in person and their permissions are read from it instead of the database
on every request, and every change to them shows on the very next request: deactivation, a new password, a new
role, a role's permissions. Runs against the real Redis on 127.0.0.1:6379 (database 15, a prefix of its own);
skipped where there is none, except in CI, where a missing Redis fails."""

import os
import uuid

import pytest
import redis
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import user_cache
from accounts.roles import RESPONDER, VIEWER
from tests.conftest import make_user

REDIS_TEST_URL = os.environ.get("HINDSIGHT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]


@pytest.fixture(autouse=True)
def shared_cache(settings):
    """The production setup with a CACHE_URL: Redis as the cache, sessions and signed-in people read through it."""
    server = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_TEST_URL}, and CI must test the shared cache.")
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL}")
    prefix = f"hindsight-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "accounts.sessions"
    settings.HINDSIGHT_USER_CACHE = True
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher"
    ]  # fast; hashing is not tested
    yield
    for key in server.scan_iter(match=f"{prefix}:*"):
        server.delete(key)


def signed_in(user):
    client = Client()
    client.force_login(user)
    client.get("/who/")  # the first request reads the person from the database and caches them
    return client


def is_signed_out(client):
    return client.get("/who/").status_code == 302


def test_a_signed_in_request_reads_nothing_from_the_database():
    client = signed_in(make_user("quinn"))
    with CaptureQueriesContext(connection) as queries:
        client.get("/who/")
    assert len(queries) == 0


def test_the_cached_person_is_the_signed_in_one():
    client = signed_in(make_user("quinn"))
    assert client.get("/who/").content == b"quinn"


def test_a_permission_check_reads_nothing_from_the_database():
    client = signed_in(make_user("rosa", RESPONDER))
    client.get("/declare/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/declare/")
    assert len(queries) == 0


def test_a_deactivated_person_is_signed_out_on_their_next_request():
    person = make_user("quinn")
    client = signed_in(person)
    person.is_active = False
    person.save()
    assert is_signed_out(client)


def test_a_deleted_person_is_signed_out_on_their_next_request():
    person = make_user("quinn")
    client = signed_in(person)
    person.delete()
    assert is_signed_out(client)


def test_a_new_password_ends_the_persons_other_sessions():
    person = make_user("quinn")
    laptop, phone = signed_in(person), signed_in(person)
    laptop.post(
        "/accounts/password_change/",
        {
            "old_password": "correct-horse-battery",
            "new_password1": "staple-lantern-orbit-42",
            "new_password2": "staple-lantern-orbit-42",
        },
    )
    assert is_signed_out(phone)


def test_the_session_that_changed_the_password_stays_signed_in():
    person = make_user("quinn")
    laptop = signed_in(person)
    laptop.post(
        "/accounts/password_change/",
        {
            "old_password": "correct-horse-battery",
            "new_password1": "staple-lantern-orbit-42",
            "new_password2": "staple-lantern-orbit-42",
        },
    )
    assert laptop.get("/who/").content == b"quinn"


def test_a_new_role_takes_effect_on_the_next_request():
    person = make_user("vic", VIEWER)
    client = signed_in(person)
    client.get("/declare/")
    person.groups.add(Group.objects.get(name=RESPONDER))
    assert client.get("/declare/").status_code == 200


def test_a_role_taken_away_takes_effect_on_the_next_request():
    person = make_user("rosa", RESPONDER)
    client = signed_in(person)
    client.get("/declare/")
    Group.objects.get(name=RESPONDER).user_set.remove(person)
    assert client.get("/declare/").status_code == 403


def test_a_permission_taken_from_a_role_takes_effect_on_the_next_request():
    client = signed_in(make_user("rosa", RESPONDER))
    client.get("/declare/")
    Group.objects.get(name=RESPONDER).permissions.remove(Permission.objects.get(codename="add_incident"))
    assert client.get("/declare/").status_code == 403


def test_a_personal_permission_takes_effect_on_the_next_request():
    person = make_user("vic", VIEWER)
    client = signed_in(person)
    client.get("/declare/")
    person.user_permissions.add(Permission.objects.get(codename="add_incident"))
    assert client.get("/declare/").status_code == 200


def test_a_deleted_role_takes_effect_on_the_next_request():
    client = signed_in(make_user("rosa", RESPONDER))
    client.get("/declare/")
    Group.objects.get(name=RESPONDER).delete()
    assert client.get("/declare/").status_code == 403


def test_a_change_saved_while_the_person_was_being_read_is_not_hidden_by_the_cache():
    person = make_user("quinn")
    loads = []

    def load_while_saved(user_id):
        loads.append(user_id)
        if len(loads) == 1:
            user_cache.forget_user(user_id)  # another request saves the person between our read and our write
        return person

    user_cache.cached_user(person.pk, load_while_saved)
    user_cache.cached_user(person.pk, load_while_saved)
    assert len(loads) == 2


def test_an_unchanged_person_is_read_once():
    person = make_user("quinn")
    loads = []

    def load(user_id):
        loads.append(user_id)
        return person

    for _ in range(3):
        user_cache.cached_user(person.pk, load)
    assert len(loads) == 1


def test_without_the_user_cache_each_request_reads_the_person(settings):
    settings.HINDSIGHT_USER_CACHE = False
    client = signed_in(make_user("quinn"))
    with CaptureQueriesContext(connection) as queries:
        client.get("/who/")
    assert len(queries) == 1


# --- the session and the person in one round trip (accounts.sessions) -----------------------------------------


@pytest.fixture
def cache_reads(monkeypatch):
    """Every read the cache sends to Redis (GET and MGET), as a list of their first keys' kinds."""
    from core.redis_cache import PooledClientRedisCacheClient

    sent = []
    read = PooledClientRedisCacheClient._read

    def counted(self, *command):
        sent.append(command[0])
        return read(self, *command)

    monkeypatch.setattr(PooledClientRedisCacheClient, "_read", counted)
    return sent


def test_a_signed_in_request_reads_its_session_and_person_in_one_round_trip(cache_reads):
    client = signed_in(make_user("quinn"))
    cache_reads.clear()
    client.get("/who/")
    assert cache_reads == ["MGET"]


def test_a_session_now_someone_elses_is_read_as_theirs(cache_reads):
    quinn, rosa = make_user("quinn"), make_user("rosa")
    client = signed_in(quinn)
    session = client.session
    session["_auth_user_id"] = str(rosa.pk)  # what a takeover of the key would look like: the hint is wrong
    session["_auth_user_hash"] = rosa.get_session_auth_hash()
    session.save()
    assert client.get("/who/").content == b"rosa"


def test_a_person_changed_since_the_last_request_is_read_afresh_with_the_session():
    person = make_user("quinn")
    client = signed_in(person)
    person.first_name = "Quincy"
    person.save()
    client.get("/who/")  # reads the session with the person's old entry: the token no longer matches
    assert user_cache.cached_user(person.pk, lambda user_id: None).first_name == "Quincy"


def test_nothing_read_for_one_request_is_used_by_the_next(cache_reads):
    person = make_user("quinn")
    signed_in(person).get("/who/")  # leaves the session's read behind, if anything did
    cache_reads.clear()
    user_cache.cached_user(person.pk, lambda user_id: None)
    assert cache_reads == ["MGET"]
