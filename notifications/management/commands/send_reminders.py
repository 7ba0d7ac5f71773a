from django.core.management.base import BaseCommand

from notifications.reminders import send_reminders
from notifications.tasks import deliver_due_notifications


class Command(BaseCommand):
    help = (
        "Queue the reminders and digests that are due (each stage once, however often or concurrently "
        "this runs), then ask the worker to deliver anything waiting. Run it every few minutes from cron "
        "or a systemd timer."
    )

    def handle(self, *args, **options):
        counts = send_reminders()
        deliver_due_notifications.enqueue()
        summary = ", ".join(f"{count} {label}" for label, count in counts.items())
        self.stdout.write(f"Queued: {summary}.")
