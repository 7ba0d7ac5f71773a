import os
import uuid
from datetime import datetime, time
from types import SimpleNamespace

import pytest
import redis
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

from core import freshness

REDIS_TEST_URL = os.environ.get("HINDSIGHT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def shared_cache(monkeypatch):
    """The dashboards' cache in the real Redis (a prefix of its own), as several app nodes share it; where there is
    no Redis, outside CI, the process's own cache."""
    server = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_TEST_URL}, and CI must test the shared cache.")
        yield freshness.cache
        return
    prefix = f"hindsight-test-{uuid.uuid4().hex}"
    node = RedisCache(REDIS_TEST_URL, {"KEY_PREFIX": prefix})
    monkeypatch.setattr(freshness, "cache", node)
    yield node
    for key in server.scan_iter(match=f"{prefix}:*"):  # the generation never expires by itself
        server.delete(key)


@pytest.fixture
def clock(monkeypatch):
    """A clock that moves only when a test moves it, from today's local noon (no day ends during a test)."""
    state = SimpleNamespace(now=timezone.make_aware(datetime.combine(timezone.localdate(), time(12))))
    monkeypatch.setattr(timezone, "now", lambda: state.now)
    return state
