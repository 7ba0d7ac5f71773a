"""manage.py export_incidents [--format json|csv] [-o FILE]"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from incidents.models import Incident
from transfer.exporting import export_text
from transfer.reading import FORMATS


class Command(BaseCommand):
    help = "Export every incident in the import format (CSV or JSON), so it can be imported elsewhere."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument(
            "-o", "--output", type=Path, help="Write to this file instead of standard output."
        )

    def handle(self, *args, **options):
        text = export_text(Incident.objects.order_by("started_at", "id"), file_format=options["format"])
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
