"""manage.py import_incidents FILE [--dry-run] [--skip-errors] [--timezone Europe/Paris]"""

import zoneinfo
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from transfer.reading import FORMATS, UnreadableFile, format_of
from transfer.services import ImportReport, import_incident_history


class Command(BaseCommand):
    help = "Import incident history from a CSV or JSON file in the documented format (see the README)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format", choices=FORMATS, default="", help="Default: from the file's extension."
        )
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")
        parser.add_argument(
            "--skip-errors", action="store_true", help="Import the good rows of a file with bad ones."
        )
        parser.add_argument(
            "--timezone", default="", help="Zone for times without an offset (default: TIME_ZONE)."
        )
        parser.add_argument("--user", default="", help="Username recorded as the importer (default: nobody).")

    def handle(self, *args, **options):
        path: Path = options["file"]
        try:
            zone = (
                zoneinfo.ZoneInfo(options["timezone"])
                if options["timezone"]
                else timezone.get_default_timezone()
            )
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise CommandError(f"Unknown time zone {options['timezone']!r} (e.g. Europe/Paris).") from None
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        try:
            content = path.read_bytes()
            report = import_incident_history(
                content=content,
                filename=path.name,
                file_format=format_of(path.name, options["format"]),
                zone=zone,
                by=user,
                dry_run=options["dry_run"],
                skip_errors=options["skip_errors"],
            )
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except UnreadableFile as error:
            raise CommandError(str(error)) from None
        self._print(report)
        if report.errors and not options["skip_errors"] and not options["dry_run"]:
            raise CommandError(
                f"{len(report.errors)} bad row(s): nothing imported (--skip-errors imports the rest)."
            )

    def _print(self, report: ImportReport) -> None:
        for error in report.errors:
            self.stderr.write(f"  {error}")
        for warning in report.warnings:
            self.stdout.write(f"  warning: {warning}")
        verb = "Would create" if report.dry_run or not report.applied else "Created"
        updated = "would update" if report.dry_run or not report.applied else "updated"
        self.stdout.write(
            f"{verb} {len(report.created)}, {updated} {len(report.updated)}, skipped {report.skipped} "
            f"(bad rows) from {report.filename}."
        )
