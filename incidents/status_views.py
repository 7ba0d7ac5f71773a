"""The public status page: no login, and nothing but what was posted publicly.

Only public status updates are shown: their headline, message and status, the affected services' names and the
times — and, once a postmortem is published, the customer-facing summary an Editor wrote for it (reviews app).
Never the incident's internal title, summary, timeline, people, action items or the postmortem itself.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from .models import Incident, Kind, Service, StatusUpdate

# Resolved incidents stay on the status page this long.
RECENTLY_RESOLVED = timedelta(days=14)
FEED_LENGTH = 50


def published_updates():
    """Public updates of real incidents; of a restricted incident only those its communications lead posted."""
    return (
        StatusUpdate.objects.public()
        .filter(incident__kind=Kind.REAL)
        .filter(Q(incident__restricted=False) | Q(author=F("incident__comms_lead")))
    )


def publicly_announced(queryset):
    """Incidents with at least one public update, each with `public_updates` (newest first) and services."""
    public_updates = published_updates().latest_first()
    return (
        queryset.real()
        .filter(Exists(published_updates().filter(incident=OuterRef("pk"))))
        .prefetch_related(
            Prefetch("status_updates", queryset=public_updates, to_attr="public_updates"),
            Prefetch("services", queryset=Service.objects.only("id", "name")),
        )
        .only("id", "status", "severity", "started_at", "resolved_at")
    )


@login_not_required
def status_page(request):
    now = timezone.now()
    current = publicly_announced(Incident.objects.open()).order_by("severity", "-started_at")
    resolved = publicly_announced(
        Incident.objects.resolved().filter(resolved_at__gte=now - RECENTLY_RESOLVED)
    ).order_by("-resolved_at")
    return render(request, "status/status_page.html", {"current": current, "resolved": resolved})


@login_not_required
def public_incident(request, pk):
    from reviews.selectors import public_summary_for

    incident = get_object_or_404(publicly_announced(Incident.objects.all()), pk=pk)
    context = {"incident": incident, "public_summary": public_summary_for(incident)}
    return render(request, "status/incident.html", context)


@dataclass(frozen=True)
class PublicPostmortem:
    """A published postmortem's public summary, as a feed entry beside the status updates."""

    pk: int
    incident_id: int
    title: str
    message: str
    posted_at: datetime


def public_postmortems() -> list[PublicPostmortem]:
    """Public summaries of incidents that were announced publicly (their status page exists), newest first."""
    from reviews.selectors import public_summaries

    announced = Exists(published_updates().filter(incident=OuterRef("postmortem__incident")))
    summaries = (
        public_summaries()
        .filter(announced)
        .select_related("postmortem")
        .only("id", "title", "body", "updated_at", "postmortem__incident_id")
        .order_by("-updated_at")[:FEED_LENGTH]
    )
    return [
        PublicPostmortem(
            summary.pk, summary.postmortem.incident_id, summary.title, summary.body, summary.updated_at
        )
        for summary in summaries
    ]


class PlainTextAtom1Feed(Atom1Feed):
    """Atom whose entry summaries are type="text": a status message is plain text, and a feed reader must show
    `<img onerror=…>` in one as those characters, never parse it as HTML."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item.get("description") is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class PublicUpdatesFeed(Feed):
    feed_type = PlainTextAtom1Feed
    title = "Service status updates"
    subtitle = "Public updates about incidents affecting our services."

    def link(self):
        return reverse("status:page")

    def items(self):
        updates = list(
            published_updates()
            .latest_first()
            .select_related("incident")
            .only("id", "kind", "status", "headline", "message", "posted_at", "incident__id")[:FEED_LENGTH]
        )
        return sorted(updates + public_postmortems(), key=self.item_pubdate, reverse=True)[:FEED_LENGTH]

    def item_title(self, update):
        if isinstance(update, PublicPostmortem):
            return f"[Postmortem] {update.title}"
        return f"[{update.get_status_display()}] {update.headline}"

    def item_description(self, update):
        return update.message

    def item_link(self, update):
        anchor = "postmortem" if isinstance(update, PublicPostmortem) else f"update-{update.pk}"
        return f"{reverse('status:incident', args=[update.incident_id])}#{anchor}"

    def item_guid(self, update):
        if isinstance(update, PublicPostmortem):
            return f"postmortem-summary-{update.pk}"
        return f"status-update-{update.pk}"

    def item_pubdate(self, update):
        return update.posted_at

    def item_updateddate(self, update):
        return update.posted_at

    def item_author_name(self, update):
        return None
