"""`make bench` measures with the shared Redis cache when one answers, and says which cache it used."""

import pytest

from perf.shared_cache import bench_cache_url, describe_cache, redis_answers

BENCH_REDIS = "redis://127.0.0.1:6379/13"


def test_a_cache_named_in_the_environment_is_kept():
    assert bench_cache_url({"REDIS_URL": "redis://cache.internal:6379/0"}, BENCH_REDIS) is None


def test_without_a_redis_answering_the_bench_keeps_per_process_memory():
    assert bench_cache_url({}, "redis://127.0.0.1:1/13") is None


def test_a_redis_answering_on_loopback_becomes_the_bench_cache():
    if not redis_answers(BENCH_REDIS):
        pytest.skip(f"no Redis at {BENCH_REDIS}")
    assert bench_cache_url({}, BENCH_REDIS) == BENCH_REDIS


def test_the_bench_says_it_uses_the_shared_cache():
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": BENCH_REDIS}}
    assert f"shared Redis cache {BENCH_REDIS}" in describe_cache(caches, insights_cache=True)


def test_the_bench_says_when_insights_is_computed_every_time():
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "Insights computed on every request" in describe_cache(caches, insights_cache=False)
