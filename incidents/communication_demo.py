"""Demo status updates: the open demo incidents get an initial public notice (and an internal note), so the
incident page, Home's cadence check and the public status page have something to show. Idempotent: an
incident that already has updates is left alone."""

from datetime import timedelta

from django.utils import timezone

from .communication import draft_status_update
from .models import Incident, StatusUpdate

PUBLIC_HEADLINES = {
    "checkout": "Some card payments are failing",
    "search": "Search results are slow or failing",
}


def public_headline(incident):
    for word, headline in PUBLIC_HEADLINES.items():
        if word in incident.title.lower():
            return headline
    return "Some requests are failing"


def seed():
    created = 0
    for incident in Incident.objects.open().prefetch_related("services", "timeline").order_by("started_at"):
        if incident.status_updates.exists():
            continue
        posted_at = (incident.detected_at or incident.started_at) + timedelta(minutes=10)
        draft = draft_status_update(incident, StatusUpdate.Kind.INITIAL, now=posted_at)
        StatusUpdate.objects.create(
            incident=incident,
            kind=StatusUpdate.Kind.INITIAL,
            visibility=StatusUpdate.Visibility.PUBLIC,
            status=incident.status,
            headline=public_headline(incident),
            message=draft["message"],
            next_update_at=draft["next_update_at"],
            posted_at=min(posted_at, timezone.now()),
            author=incident.commander,
        )
        StatusUpdate.objects.create(
            incident=incident,
            kind=StatusUpdate.Kind.UPDATE,
            visibility=StatusUpdate.Visibility.INTERNAL,
            status=incident.status,
            headline="Stakeholder note",
            message="Support has a macro for affected customers; no refunds needed yet.",
            posted_at=min(posted_at + timedelta(minutes=5), timezone.now()),
            author=incident.commander,
        )
        created += 2
    return created
