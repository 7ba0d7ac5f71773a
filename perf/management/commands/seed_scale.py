from django.core.management.base import BaseCommand

from perf.scale import FULL_SIZES, seed_scale


class Command(BaseCommand):
    help = (
        "Create a large realistic data set with bulk inserts (scale 1.0: "
        + ", ".join(f"{n:,} {kind.replace('_', ' ')}" for kind, n in FULL_SIZES.items())
        + "). Runs on top of demo data; running it again only tops up."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiply every size by this (default 1.0)."
        )
        parser.add_argument("--batch-size", type=int, default=2_000)

    def handle(self, *args, scale, batch_size, **options):
        report = seed_scale(scale=scale, batch_size=batch_size, log=self.stdout.write)
        total_rows = sum(added for added, _ in report.values())
        total_seconds = sum(seconds for _, seconds in report.values())
        self.stdout.write(
            self.style.SUCCESS(f"Seeded scale {scale}: {total_rows:,} new row(s) in {total_seconds:.1f} s.")
        )
