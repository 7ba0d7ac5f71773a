"""Several app nodes share one cache when CACHE_URL (or REDIS_URL) names a Redis: a rate limit counted on one node
holds on another, and an editor seen by one node is seen by all. Runs against the real Redis on 127.0.0.1:6379
(database 15, a prefix of its own); skipped where there is none, except in CI, where a missing Redis fails."""

import os
import threading
import uuid
from types import SimpleNamespace

import pytest
import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.exceptions import ImproperlyConfigured

from core import ratelimit
from core.env import cache_settings
from core.redis_cache import RedisCache
from documents import presence

NOW = 1_800_000_000.0
REDIS_TEST_URL = os.environ.get("HINDSIGHT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def two_nodes(monkeypatch):
    """Two cache clients with their own connections, as two app nodes configured alike would have."""
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_TEST_URL}, and CI must test the shared cache.")
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL}")
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: NOW))  # one window for the whole test
    prefix = f"hindsight-test-{uuid.uuid4().hex}"
    return [RedisCache(REDIS_TEST_URL, {"KEY_PREFIX": prefix}) for _ in range(2)]


def test_a_rate_limit_counted_on_one_node_holds_on_the_other(two_nodes, monkeypatch):
    first, second = two_nodes
    monkeypatch.setattr(ratelimit, "cache", first)
    for _ in range(3):
        ratelimit.within_rate(scope="preview", who="7", per_minute=3)
    monkeypatch.setattr(ratelimit, "cache", second)
    assert ratelimit.within_rate(scope="preview", who="7", per_minute=3) is False


def test_both_nodes_read_the_same_rate_limit_count(two_nodes, monkeypatch):
    for node in (*two_nodes, two_nodes[0]):
        monkeypatch.setattr(ratelimit, "cache", node)
        ratelimit.within_rate(scope="preview", who="8", per_minute=10)
    key = f"rate:preview:8:{int(NOW // ratelimit.WINDOW_SECONDS)}"
    assert [node.get(key) for node in two_nodes] == [3, 3]


@pytest.mark.django_db
def test_an_editor_seen_by_one_node_is_listed_by_the_other(two_nodes, monkeypatch, make_incident, editor):
    first, second = two_nodes
    document = make_incident()  # presence keys on any saved row; an incident keeps this test's setup small
    monkeypatch.setattr(presence, "cache", first)
    presence.record_heartbeat(document=document, user=editor)
    monkeypatch.setattr(presence, "cache", second)
    assert [e.user_id for e in presence.editors(document=document)] == [editor.pk]


def test_a_cache_url_selects_djangos_redis_backend():
    caches = cache_settings({"CACHE_URL": "redis://127.0.0.1:6379/2"})
    assert caches["default"]["BACKEND"] == "core.redis_cache.RedisCache"


def test_the_redis_backend_is_djangos():
    assert issubclass(RedisCache, DjangoRedisCache)


def test_a_value_written_on_one_node_is_read_on_the_other(two_nodes):
    first, second = two_nodes
    first.set("greeting", {"text": "hello"})
    assert second.get("greeting") == {"text": "hello"}


def test_a_counter_and_a_pickled_value_both_read_back(two_nodes):
    node = two_nodes[0]
    node.set("count", 41)
    node.incr("count")
    node.set("names", ["ada", "grace"])
    assert node.get_many(["count", "names"]) == {"count": 42, "names": ["ada", "grace"]}


def test_a_node_reuses_its_redis_client_between_operations(two_nodes):
    node = two_nodes[0]
    node.get("anything")
    assert node._cache.get_client() is node._cache.get_client()


def test_a_read_after_redis_dropped_the_connection_still_answers(two_nodes):
    node = two_nodes[0]
    node.set("greeting", "hello")
    assert node.get("greeting") == "hello"  # the read connection is open now
    (held,) = node._cache._held.connections.values()
    held.send_command("CLIENT", "ID")
    redis.Redis.from_url(REDIS_TEST_URL).client_kill_filter(_id=held.read_response())
    assert node.get("greeting") == "hello"


def test_each_thread_reads_over_its_own_connection(two_nodes):
    node = two_nodes[0]
    node.get("greeting")
    (mine,) = node._cache._held.connections.values()
    theirs = []

    def read():
        node.get("greeting")
        theirs.extend(node._cache._held.connections.values())

    other = threading.Thread(target=read)
    other.start()
    other.join()
    assert theirs[0] is not mine


def test_a_missing_key_reads_as_the_default(two_nodes):
    assert two_nodes[0].get("absent", "default") == "default"


def test_a_missing_key_is_left_out_of_many(two_nodes):
    node = two_nodes[0]
    node.set("present", 1)
    assert node.get_many(["present", "absent"]) == {"present": 1}


def test_redis_url_is_read_when_cache_url_is_not_set():
    caches = cache_settings({"REDIS_URL": "redis://cache.internal:6379/0"})
    assert caches["default"]["LOCATION"] == "redis://cache.internal:6379/0"


def test_without_a_cache_url_each_process_caches_in_memory():
    assert cache_settings({})["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_a_cache_url_that_is_not_redis_stops_the_site():
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_settings({"CACHE_URL": "memcached://127.0.0.1:11211"})


def test_two_different_cache_urls_stop_the_site():
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        cache_settings({"CACHE_URL": "redis://a:6379/0", "REDIS_URL": "redis://b:6379/0"})
