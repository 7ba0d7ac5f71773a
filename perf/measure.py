"""Timing pages through Django's test client: query count and server time percentiles."""

import math
import statistics
import time

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


def percentile(values, fraction):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured)


def measure_page(client, url, requests=50, warmup=3, page_seconds=None):
    """Query count of one request, then server time over `requests` requests (after a few warm-up ones).

    With `page_seconds`, a page slow enough to blow that budget stops early (after at least 5 timed requests);
    `requests` in the result says how many were timed.
    """
    for _ in range(warmup):
        client.get(url)
    status, queries = count_queries(client, url)
    timings = []
    budget_ends = time.monotonic() + page_seconds if page_seconds else None
    for _ in range(requests):
        if budget_ends and len(timings) >= 5 and time.monotonic() > budget_ends:
            break
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        reset_queries()
    return {
        "url": url,
        "status": status,
        "queries": queries,
        "requests": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "max_ms": round(max(timings), 2),
    }


def logged_in_client(user):
    client = Client()
    client.force_login(user)
    return client


def add_floor_ratios(results, floor):
    """Give every measured page its p50 and p95 as multiples of the `floor` page's p50: measured in one run on one
    machine, a ratio holds across machines and loads where milliseconds do not. Returns the floor's p50 (None when
    the floor was not measured, and no page gets a ratio)."""
    floor_p50 = next((r["p50_ms"] for r in results if r["page"] == floor and "p50_ms" in r), None)
    if not floor_p50:
        return None
    for result in results:
        if "p50_ms" in result:
            result["p50_x_floor"] = round(result["p50_ms"] / floor_p50, 2)
            result["p95_x_floor"] = round(result["p95_ms"] / floor_p50, 2)
    return floor_p50
