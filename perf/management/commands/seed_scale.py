import json
import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from perf.machine import describe_machine
from perf.scale import FULL_SIZES, seed_report_path, seed_scale


class Command(BaseCommand):
    help = (
        "Create a large realistic data set with bulk inserts (scale 1.0: "
        + ", ".join(f"{n:,} {kind.replace('_', ' ')}" for kind, n in FULL_SIZES.items())
        + "). Runs on top of demo data; running it again only tops up. A run that adds rows writes its times per"
        " table to perf/results/seed-<database>-scale<scale>.json, where `bench --no-seed` finds them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiply every size by this (default 1.0)."
        )
        parser.add_argument("--batch-size", type=int, default=2_000)
        parser.add_argument("--output", help="Where to write the times (default: see above).")

    def handle(self, *args, scale, batch_size, output, **options):
        started = time.perf_counter()
        report = seed_scale(scale=scale, batch_size=batch_size, log=self.stdout.write)
        wall_seconds = time.perf_counter() - started
        total_rows = sum(added for added, _ in report.values())
        load = " ".join(f"{figure:.2f}" for figure in os.getloadavg())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded scale {scale}: {total_rows:,} new row(s) in {wall_seconds:.1f} s (load average {load})."
            )
        )
        if total_rows:
            path = Path(output or seed_report_path(scale))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(self.summary(scale, report, wall_seconds), indent=2) + "\n")
            self.stdout.write(f"Written {path}")

    @staticmethod
    def summary(scale, report, wall_seconds):
        return {
            "when": timezone.now().isoformat(timespec="seconds"),
            "scale": scale,
            "machine": describe_machine(),
            "load_average": [round(figure, 2) for figure in os.getloadavg()],
            "wall_seconds": round(wall_seconds, 1),
            "rows": {name: added for name, (added, _) in report.items()},
            "seed_seconds": {name: round(seconds, 1) for name, (_, seconds) in report.items()},
        }
