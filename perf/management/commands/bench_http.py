"""Every benchmarked page over HTTP, as issue 15 measures it: gunicorn (deploy/gunicorn.conf.py) and wrk on
loopback, latency at 1 connection and throughput at 8, each page as a ratio to a bare Django project's floors
(perf/bare/) served by a second gunicorn in the same run."""

import http.client
import json
import socket
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from perf.bare import BARE_FLOOR_PATH, BARE_HELLO_PATH
from perf.goals import GOALS, evaluate, percent
from perf.machine import describe_machine, load_average
from perf.pages import BARE_FLOOR, BARE_HELLO, HELLO, bench_urls, load_samples
from perf.scale import BENCH_USERNAME
from perf.server import running_gunicorn, session_cookie_for
from perf.shared_cache import describe_cache
from perf.wrk import run_wrk, wrk_installed

LATENCY_CONNECTIONS = 1
THROUGHPUT_CONNECTIONS = 8
WARM_UP_REQUESTS = 4
# After a run, wait for the requests wrk left in flight (at most this long) before the next run starts.
SETTLE_SECONDS_MAX = 10
FIGURES = ("p50_ms", "p95_ms", "p99_ms", "requests_per_second")


def answer_status(url, cookie=None):
    """The status one plain GET gets (redirects not followed: a login redirect must not pass for a page)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(
            "GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=_headers(cookie)
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _headers(cookie):
    return {"Cookie": cookie} if cookie else {}


def settle(run):
    time.sleep(min(SETTLE_SECONDS_MAX, run.get("max_ms", 0) / 1000))


def measure_over_http(url, *, seconds, cookie=None):
    """p50/p95/p99 at 1 connection, req/s at 8, and the errors of both runs; a page that does not answer 200 is
    skipped (a redirect to the login page would otherwise be measured as a fast page)."""
    status = answer_status(url, cookie)
    if status != 200:
        return {"status": status, "skipped": f"answered {status}, not 200"}
    for _ in range(WARM_UP_REQUESTS):  # every worker compiles its templates and fills its caches first
        answer_status(url, cookie)
    latency = run_wrk(url, connections=LATENCY_CONNECTIONS, seconds=seconds, cookie=cookie)
    settle(latency)
    throughput = run_wrk(url, connections=THROUGHPUT_CONNECTIONS, seconds=seconds, cookie=cookie)
    settle(throughput)
    return {
        "status": status,
        **{name: latency.get(name) for name in ("p50_ms", "p95_ms", "p99_ms", "max_ms")},
        "requests_per_second": throughput["requests_per_second"],
        "errors": sum(run["non_2xx_3xx"] + run["socket_errors"] for run in (latency, throughput)),
        "wrk": {"latency": latency, "throughput": throughput},
    }


def best_of_runs(runs):
    """A floor measured at the start and at the end of the run: the best of each figure (the lowest latency, the
    most req/s), and both runs. The strictest reference: a run that something else on the machine slowed down
    cannot make the pages look better than they are."""
    measured = [run for run in runs if "skipped" not in run]
    if not measured:
        return {"skipped": "the floor did not answer 200", "runs": runs}
    combined = {
        name: (max if name == "requests_per_second" else min)(run[name] for run in measured)
        for name in FIGURES
        if all(run.get(name) is not None for run in measured)
    }
    return {**combined, "errors": sum(run["errors"] for run in measured), "runs": runs}


def port_in_use(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def bench_servers(*, port, bare_port, workers, threads):
    """Hindsight (with the bench's reference routes) and the bare project, each its own gunicorn on loopback."""
    for taken in (p for p in (port, bare_port) if port_in_use(p)):
        # Another bench's server would answer in ours' place, and be measured.
        raise CommandError(f"Port {taken} is in use (another bench running?): choose --port / --bare-port.")
    # Steady state: workers are not recycled mid-measurement (a Hindsight worker takes ~1 s of CPU to start,
    # the bare project's 0.2 s, so recycling every 5,000 requests would weigh on Hindsight's side only).
    steady = {"GUNICORN_MAX_REQUESTS": "0"}
    with (
        running_gunicorn(
            port,
            workers,
            threads,
            extra_env={"HINDSIGHT_BENCH": "1", **steady},
            log_path="/tmp/hindsight-bench-gunicorn.log",
        ),
        running_gunicorn(
            bare_port,
            workers,
            threads,
            extra_env={"DJANGO_SETTINGS_MODULE": "perf.bare.settings", **steady},
            log_path="/tmp/hindsight-bench-bare-gunicorn.log",
            app="perf.bare.wsgi:application",
            ready_path=f"/{BARE_HELLO_PATH}",
        ),
    ):
        yield


def add_ratios(result, *, floor, bare_hello):
    floor_p50, floor_rate = floor.get("p50_ms"), floor.get("requests_per_second")
    for figure in ("p50", "p95"):
        if floor_p50 and result.get(f"{figure}_ms") is not None:
            result[f"{figure}_x_floor"] = round(result[f"{figure}_ms"] / floor_p50, 2)
    if floor_rate and "requests_per_second" in result:
        result["share_of_floor"] = round(result["requests_per_second"] / floor_rate, 4)
    if result["page"] == HELLO and bare_hello.get("requests_per_second"):
        result["share_of_bare_hello"] = round(
            result["requests_per_second"] / bare_hello["requests_per_second"], 4
        )
    if result["page"] in GOALS and "skipped" not in result:
        result["goal"] = evaluate(GOALS[result["page"]], result, floor=floor, bare_hello=bare_hello)


def number(value, digits=1):
    """3.6, 36, 1,174: a decimal only below 10."""
    if value is None:
        return "—"
    return f"{value:.{digits}f}" if value < 10 else f"{value:,.0f}"


def markdown_table(rows, query_counts):
    lines = [
        "| page | queries | p50 ms | p95 ms | req/s | p50 ÷ floor | p95 ÷ floor | req/s ÷ floor | goal | met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        queries = query_counts.get(row["page"], "—")
        if "skipped" in row:
            lines.append(f"| {row['page']} | {queries} | {row['skipped']} | | | | | | | |")
            continue
        goal = row.get("goal")
        if goal is None:
            goal_text, met = "", ""
        else:
            word = {True: "met", False: "**missed**", None: "not measured"}[goal["met"]]
            goal_text, met = goal["goal"], f"{word} ({', '.join(goal['figures'])})"
        share = row.get("share_of_floor")
        lines.append(
            f"| {row['page']} | {queries} | {number(row['p50_ms'])} | {number(row['p95_ms'])}"
            f" | {number(row['requests_per_second'])}"
            f" | {_times(row.get('p50_x_floor'))} | {_times(row.get('p95_x_floor'))}"
            f" | {'—' if share is None else percent(share)} | {goal_text} | {met} |"
        )
    return "\n".join(lines)


def _times(ratio):
    return "—" if ratio is None else f"{ratio:.2f}×"


class Command(BaseCommand):
    help = (
        "Every benchmarked page over HTTP: gunicorn (deploy/gunicorn.conf.py) and wrk on loopback, p50/p95 at 1 "
        "connection and req/s at 8, as ratios to a bare Django project's floors served beside it; the goals "
        "met or missed. Run `bench` first (it seeds and counts queries)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=15, help="wrk duration per run (max 120).")
        parser.add_argument("--port", type=int, default=18731, help="Hindsight's gunicorn.")
        parser.add_argument("--bare-port", type=int, default=18732, help="The bare project's gunicorn.")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--page", action="append", help="Measure only this page (repeatable).")
        parser.add_argument("--output", help="A bench JSON file to add the results to (else printed only).")

    def handle(self, *args, seconds, port, bare_port, workers, threads, page, output, **options):
        if not wrk_installed():
            raise CommandError("wrk is not installed: apt-get install -y wrk")
        seconds = max(1, min(seconds, 120))
        started = timezone.now()
        cache = describe_cache(settings.CACHES, settings.HINDSIGHT_DASHBOARD_CACHE)
        self.stdout.write(cache)
        load_at_start = load_average()
        cookie = session_cookie_for(get_user_model().objects.get(username=BENCH_USERNAME))
        with override_settings(ROOT_URLCONF="perf.bench_urls"):
            pages = [(name, url) for name, url in bench_urls(load_samples()) if not page or name in page]
        unknown = set(page or ()) - {name for name, _ in pages}
        if unknown:
            raise CommandError(f"No such page in perf/pages.py: {', '.join(sorted(unknown))}")
        with bench_servers(port=port, bare_port=bare_port, workers=workers, threads=threads):
            bare = {BARE_FLOOR: f"http://127.0.0.1:{bare_port}/{BARE_FLOOR_PATH}"}
            bare[BARE_HELLO] = f"http://127.0.0.1:{bare_port}/{BARE_HELLO_PATH}"
            floor_runs = {name: [self._measure(name, url, seconds)] for name, url in bare.items()}
            results = []
            for name, path in pages:
                if path is None:
                    results.append({"page": name, "skipped": "no sample object in the data set"})
                    continue
                url = f"http://127.0.0.1:{port}{path}"
                results.append({"page": name, "url": path, **self._measure(name, url, seconds, cookie)})
            # The floors again at the end: a machine shared with other work drifts; the better of both is used.
            for name, url in bare.items():
                floor_runs[name].append(self._measure(name, url, seconds))
        floor, bare_hello = best_of_runs(floor_runs[BARE_FLOOR]), best_of_runs(floor_runs[BARE_HELLO])
        rows = [{"page": BARE_FLOOR, "url": f"/{BARE_FLOOR_PATH}", **floor}]
        rows.append({"page": BARE_HELLO, "url": f"/{BARE_HELLO_PATH}", **bare_hello})
        rows += results
        for row in rows:
            if "skipped" not in row:
                add_ratios(row, floor=floor, bare_hello=bare_hello)
        report = {
            "when": started.isoformat(timespec="seconds"),
            "seconds_per_run": seconds,
            "connections": {"latency": LATENCY_CONNECTIONS, "throughput": THROUGHPUT_CONNECTIONS},
            "gunicorn": {"config": "deploy/gunicorn.conf.py", "workers": workers, "threads": threads},
            "cache": cache,
            "machine": describe_machine(),
            "load": {"start": load_at_start, "end": load_average()},
            "pages": rows,
        }
        self._write(report, output)

    def _measure(self, name, url, seconds, cookie=None):
        result = measure_over_http(url, seconds=seconds, cookie=cookie)
        if "skipped" in result:
            self.stdout.write(f"{name:<36} skipped: {result['skipped']}")
        else:
            self.stdout.write(
                f"{name:<36} p50 {number(result['p50_ms']):>7} ms  p95 {number(result['p95_ms']):>7} ms"
                f"  {number(result['requests_per_second']):>7} req/s  errors: {result['errors']}"
            )
        return result

    def _write(self, report, output):
        existing = {}
        if output and Path(output).exists():
            existing = json.loads(Path(output).read_text())
        query_counts = {p["page"]: p["queries"] for p in existing.get("pages", []) if "queries" in p}
        table = markdown_table(report["pages"], query_counts)
        load = report["load"]
        self.stdout.write("")
        self.stdout.write(
            f"{report['when']}, {report['machine']['cpu']} × {report['machine']['cores']}, "
            f"{report['machine']['database']}; load average {load['start']['load_1_5_15']} at the start, "
            f"{load['end']['load_1_5_15']} at the end. gunicorn {report['gunicorn']['workers']} workers × "
            f"{report['gunicorn']['threads']} threads, wrk {report['seconds_per_run']:g} s per run: p50/p95 at "
            f"1 connection, req/s at 8. Floors measured at the start and the end, the better of each figure used. {report['cache']}"
        )
        self.stdout.write("")
        self.stdout.write(table)
        if output:
            existing.pop("throughput", None)  # written by the older bench_throughput
            existing["http"] = {**report, "table": table}
            Path(output).write_text(json.dumps(existing, indent=2) + "\n")
            self.stdout.write(self.style.SUCCESS(f"Added the HTTP measurements to {output}"))
