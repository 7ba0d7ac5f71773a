"""The cache `make bench` measures with: the shared Redis cache when one answers on this machine.

Insights caches its figures only with a shared cache (config.settings HINDSIGHT_DASHBOARD_CACHE), and sessions are
read through it, so a bench on per-process memory would measure a smaller deployment than the one documented.
`make bench` runs `python -m perf.shared_cache redis://127.0.0.1:6379/13` before starting Django: when neither
CACHE_URL nor REDIS_URL is set and Redis answers there, it empties that database (the bench's own number: the
tests use 15, the soak 14) and prints the URL, which the Makefile exports as CACHE_URL.
"""

import os
import sys
from collections.abc import Mapping

import redis


def redis_answers(url: str, timeout: float = 1.0) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout).ping())
    except (redis.RedisError, OSError):
        return False


def bench_cache_url(environ: Mapping[str, str], candidate: str) -> str | None:
    """`candidate` when the environment names no cache and a Redis answers there; None otherwise."""
    if environ.get("CACHE_URL", "").strip() or environ.get("REDIS_URL", "").strip():
        return None
    return candidate if redis_answers(candidate) else None


def describe_cache(caches: Mapping[str, Mapping[str, str]], insights_cache: bool) -> str:
    """One line for the bench's output: which cache its servers use, and whether Insights is cached."""
    default = caches["default"]
    if default["BACKEND"].endswith("RedisCache"):
        where = f"shared Redis cache {default['LOCATION']}"
    else:
        where = "per-process memory (no CACHE_URL/REDIS_URL, no Redis answering on 127.0.0.1:6379)"
    insights = "Insights figures cached" if insights_cache else "Insights computed on every request"
    return f"Cache: {where}; {insights}."


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m perf.shared_cache redis://127.0.0.1:6379/13", file=sys.stderr)
        return 2
    url = bench_cache_url(os.environ, argv[1])
    if url:
        # This database is the bench's own: nothing cached by an earlier run (on another database) may answer.
        redis.Redis.from_url(url).flushdb()
        print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
