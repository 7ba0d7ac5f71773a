from django.core.management.base import BaseCommand

from meetings.services import close_stale_meetings
from notifications.reminders import send_reminders
from notifications.tasks import deliver_due_notifications


class Command(BaseCommand):
    help = (
        "Queue the reminders and digests that are due (each stage once, however often or concurrently "
        "this runs), end review meetings left open for 12 hours (their summaries go out like any other), "
        "then ask the worker to deliver anything waiting. Run it every few minutes from cron or a systemd timer."
    )

    def handle(self, *args, **options):
        counts = send_reminders()
        closed = close_stale_meetings()
        deliver_due_notifications.enqueue()
        summary = ", ".join(f"{count} {label}" for label, count in counts.items())
        self.stdout.write(f"Queued: {summary}. Review meetings closed after 12 hours: {closed}.")
