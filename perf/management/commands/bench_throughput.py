import json
import re
import shutil
import subprocess
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from perf.pages import FLOOR, HELLO, bench_urls, load_samples
from perf.scale import BENCH_USERNAME
from perf.server import running_gunicorn, session_cookie_for

THROUGHPUT_PAGES = [HELLO, FLOOR, "incident list", "incident detail"]


def parse_wrk(output):
    """Requests per second and errors from wrk's summary."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    latency = re.search(r"Latency\s+([\d.]+)(\w+)", output)
    return {
        "requests_per_second": float(rate.group(1)) if rate else 0.0,
        "requests": int(total.group(1)) if total else 0,
        "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(int(n) for n in socket.groups()) if socket else 0,
        "mean_latency": f"{latency.group(1)} {latency.group(2)}" if latency else None,
    }


class Command(BaseCommand):
    help = (
        "Throughput on loopback: gunicorn (deploy/gunicorn.conf.py) and wrk against the incident list, an "
        "incident page and the bare hello view, for a bounded time each. Run `bench` first (it seeds)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=15, help="wrk duration per page (max 120).")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--port", type=int, default=18731)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--output", help="A bench JSON file to add the results to (else printed only).")

    def handle(self, *args, seconds, connections, port, workers, threads, output, **options):
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed: apt-get install -y wrk")
        seconds = max(1, min(seconds, 120))
        cookie = session_cookie_for(get_user_model().objects.get(username=BENCH_USERNAME))
        with override_settings(ROOT_URLCONF="perf.bench_urls"):
            urls = dict(bench_urls(load_samples()))
        results = {}
        with running_gunicorn(
            port,
            workers,
            threads,
            extra_env={"HINDSIGHT_BENCH": "1"},
            log_path="/tmp/hindsight-bench-gunicorn.log",
        ):
            for page in THROUGHPUT_PAGES:
                url = f"http://127.0.0.1:{port}{urls[page]}"
                run = subprocess.run(
                    [
                        "wrk",
                        "-t2",
                        f"-c{connections}",
                        f"-d{seconds}s",
                        "--timeout",
                        "10s",
                        "-H",
                        f"Cookie: {cookie}",
                        url,
                    ],
                    capture_output=True,
                    text=True,
                    timeout=seconds + 60,
                )
                results[page] = {"url": urls[page], **parse_wrk(run.stdout)}
                self.stdout.write(
                    f"{page:<24} {results[page]['requests_per_second']:>9.1f} req/s  "
                    f"errors: {results[page]['non_2xx_3xx'] + results[page]['socket_errors']}"
                )
        hello_rate = results[HELLO]["requests_per_second"] or 1
        floor_rate = results[FLOOR]["requests_per_second"] or 1
        for result in results.values():
            result["ratio_to_hello"] = round(result["requests_per_second"] / hello_rate, 3)
            result["ratio_to_floor"] = round(result["requests_per_second"] / floor_rate, 3)
        summary = {
            "seconds_per_page": seconds,
            "connections": connections,
            "gunicorn_workers": workers,
            "gunicorn_threads": threads,
            "pages": results,
        }
        for page, result in results.items():
            self.stdout.write(
                f"{page:<24} {result['ratio_to_hello']:.0%} of hello, {result['ratio_to_floor']:.0%} of the floor"
            )
        if output:
            path = Path(output)
            report = json.loads(path.read_text()) if path.exists() else {}
            report["throughput"] = summary
            path.write_text(json.dumps(report, indent=2) + "\n")
            self.stdout.write(self.style.SUCCESS(f"Added throughput to {path}"))
