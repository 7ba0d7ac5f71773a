import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from perf.machine import describe_machine, load_average
from perf.measure import add_floor_ratios, logged_in_client, measure_page
from perf.pages import FLOOR, bench_urls, load_samples
from perf.scale import BENCH_USERNAME, seed_report_path, seed_scale
from perf.shared_cache import describe_cache

COUNTED_MODELS = [
    "auth.User",
    "incidents.Service",
    "incidents.Incident",
    "incidents.TimelineEntry",
    "postmortems.Postmortem",
    "postmortems.ActionItem",
    "runbooks.Runbook",
    "search.SearchDocument",
]


def row_counts():
    counts = {}
    for label in COUNTED_MODELS:
        counts[label] = apps.get_model(label)._default_manager.count()
    return counts


def seed_seconds(seed_report, scale):
    """Seconds per seeded table: this run's when it seeded; else (--no-seed, or the data was already there) those
    the last `manage.py seed_scale` at this scale recorded for this kind of database, if any."""
    if any(added for added, _ in seed_report.values()):
        return {name: round(seconds, 1) for name, (_, seconds) in seed_report.items()}
    recorded = seed_report_path(scale)
    if not recorded.exists():
        return {}
    return json.loads(recorded.read_text())["seed_seconds"]


def refresh_planner_statistics():
    """After a big insert, give the query planner the statistics a production database would have."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class Command(BaseCommand):
    help = "Seed at a scale, then measure every main page: SQL queries and server time p50/p95 (Django test client)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=0.1)
        parser.add_argument("--requests", type=int, default=50, help="Timed requests per page (default 50).")
        parser.add_argument(
            "--page-seconds",
            type=float,
            default=90,
            help="Stop timing a very slow page after this long (at least 5 requests).",
        )
        parser.add_argument("--no-seed", action="store_true", help="Measure the data already there.")
        parser.add_argument(
            "--output", help="JSON file (default perf/results/bench-<database>-<scale>.json)."
        )

    def handle(self, *args, scale, requests, page_seconds, no_seed, output, **options):
        if settings.DEBUG:
            self.stderr.write(
                "DEBUG is on: timings include debug overhead. Run without DEBUG=1 for real figures."
            )
        cache = describe_cache(settings.CACHES, settings.HINDSIGHT_DASHBOARD_CACHE)
        self.stdout.write(cache)
        seed_report = {} if no_seed else seed_scale(scale=scale, log=self.stdout.write)
        refresh_planner_statistics()
        load_at_start = load_average()
        user = get_user_model().objects.get(username=BENCH_USERNAME)
        client = logged_in_client(user)
        results = []
        with override_settings(ROOT_URLCONF="perf.bench_urls"):
            for name, url in bench_urls(load_samples()):
                if url is None:
                    results.append({"page": name, "skipped": "no sample object in the data set"})
                    continue
                timing = measure_page(client, url, requests=requests, page_seconds=page_seconds)
                results.append({"page": name, **timing})
                self.stdout.write(self._row(results[-1]))
        floor_p50 = add_floor_ratios(results, FLOOR)
        report = {
            "when": timezone.now().isoformat(timespec="seconds"),
            "scale": scale,
            "machine": describe_machine(),
            "cache": cache,
            "load": {"start": load_at_start, "end": load_average()},
            "rows": row_counts(),
            "seed_seconds": seed_seconds(seed_report, scale),
            "floor": {"page": FLOOR, "p50_ms": floor_p50},
            "pages": results,
        }
        path = Path(output or self._default_output(scale))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2) + "\n")
        self.stdout.write("")
        self.stdout.write(self.table(results))
        self.stdout.write(self.style.SUCCESS(f"Written {path}"))

    @staticmethod
    def _default_output(scale):
        return settings.BASE_DIR / "perf" / "results" / f"bench-{connection.vendor}-scale{scale:g}.json"

    @staticmethod
    def _row(result):
        if "skipped" in result:
            return f"{result['page']:<36} {'—':>7} {'skipped: ' + result['skipped']}"
        row = (
            f"{result['page']:<36} {result['queries']:>7} {result['p50_ms']:>9.1f} {result['p95_ms']:>9.1f}"
            f" {result['status']:>6} {result['requests']:>6}"
        )
        if "p50_x_floor" in result:  # while timing, the floor's p50 is not known yet
            row += f" {result['p50_x_floor']:>9.2f}× {result['p95_x_floor']:>9.2f}×"
        return row

    @classmethod
    def table(cls, results):
        header = (
            f"{'page':<36} {'queries':>7} {'p50 ms':>9} {'p95 ms':>9} {'status':>6} {'timed':>6}"
            f" {'p50/floor':>10} {'p95/floor':>10}"
        )
        return "\n".join([header, "-" * len(header), *(cls._row(r) for r in results)])
