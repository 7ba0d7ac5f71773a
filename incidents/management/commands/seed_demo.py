from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from notifications.services import notifications_suppressed

# Each app seeds its own part of the demo world, in this order (later ones build on earlier ones).
DEMO_SEEDERS = [
    "incidents.demo",
    "postmortems.demo",
    "incidents.communication_demo",
    "runbooks.demo",
    "meetings.demo",
]


class Command(BaseCommand):
    help = "Load realistic demo data. Safe to run again: nothing is duplicated."

    @transaction.atomic
    def handle(self, *args, **options):
        with notifications_suppressed():  # the demo's history happened long ago: it tells nobody
            for module_name in DEMO_SEEDERS:
                created = import_module(module_name).seed()
                self.stdout.write(f"{module_name}: {created} new record(s)")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
