"""Status updates: drafting the Initial / Update / Resolution message from what the incident record knows.

The draft is only a starting point; the communications lead edits it before posting. Drafts use what customers
can see (services, impact, status, what has been done) and never people's names.
"""

from django.utils import timezone

from core.durations import format_duration

from .models import Status, StatusUpdate, TimelineEntry

STATUS_SENTENCES = {
    Status.INVESTIGATING: "We are investigating the cause.",
    Status.IDENTIFIED: "We have identified the cause and are working on a fix.",
    Status.MONITORING: "A fix has been applied and we are monitoring the results.",
    Status.RESOLVED: "This incident has been resolved.",
}

# How many of the latest "action" timeline entries a draft lists under "What we have done".
ACTIONS_IN_DRAFT = 3


def draftable_kinds(incident, last_update=None):
    """What a status update may be now: once resolved, only its resolution notice, and only once."""
    if incident.is_open:
        return list(StatusUpdate.Kind.values)
    if last_update and last_update.kind == StatusUpdate.Kind.RESOLUTION:
        return []
    return [StatusUpdate.Kind.RESOLUTION]


def suggested_kind(incident, last_update=None):
    """The kind the incident page offers to draft, or None when there is nothing left to announce."""
    if not incident.is_open:
        return next(iter(draftable_kinds(incident, last_update)), None)
    return StatusUpdate.Kind.UPDATE if last_update else StatusUpdate.Kind.INITIAL


def service_names(incident):
    return ", ".join(service.name for service in incident.services.all()) or "some of our services"


def recent_actions(incident):
    actions = [entry for entry in incident.timeline.all() if entry.kind == TimelineEntry.Kind.ACTION]
    return [entry.text for entry in actions[-ACTIONS_IN_DRAFT:]]


def draft_status_update(incident, kind, now=None):
    """Initial values for the status-update form: headline, message and when the next update is due."""
    now = now or timezone.now()
    cadence = incident.update_cadence
    next_update_at = None if kind == StatusUpdate.Kind.RESOLUTION or cadence is None else now + cadence
    return {
        "kind": kind,
        # Not the incident's title: that is written for responders and often names the internal cause.
        "headline": f"Problems with {service_names(incident)}",
        "message": _draft_message(incident, kind, next_update_at),
        "next_update_at": next_update_at,
        "visibility": StatusUpdate.Visibility.PUBLIC,
    }


def _draft_message(incident, kind, next_update_at):
    services = service_names(incident)
    impact = incident.customer_impact.strip() or f"Some requests to {services} may fail or be slow."
    lines = []
    if kind == StatusUpdate.Kind.INITIAL:
        lines.append(f"We are aware of a problem affecting {services}.")
        lines.append(f"Impact: {impact}")
        lines.append(STATUS_SENTENCES[incident.status])
    elif kind == StatusUpdate.Kind.UPDATE:
        lines.append(f"Update on the problem affecting {services}: {STATUS_SENTENCES[incident.status]}")
        lines.append(f"Impact: {impact}")
    else:
        duration = format_duration(incident.open_for(), days=False)
        lines.append(f"The problem affecting {services} has been resolved after {duration}.")
        lines.append(f"Impact: {impact}")
        lines.append("We will publish what we learned and what we are changing to prevent a repeat.")
    actions = recent_actions(incident)
    if actions:
        lines.append("What we have done so far:\n" + "\n".join(f"- {text}" for text in actions))
    if next_update_at:
        lines.append(f"Next update by {timezone.localtime(next_update_at):%H:%M %Z}.")
    return "\n\n".join(lines)


def communication_state(incident, now=None):
    """What the communication panel shows: recent updates and whether the cadence has been kept.

    Uses `incident.status_updates.all()` (prefetched by the incident page, newest first).
    """
    now = now or timezone.now()
    updates = list(incident.status_updates.all())
    last = updates[0] if updates else None
    next_due = incident.next_update_due(last.posted_at if last else None)
    return {
        "updates": updates,
        "last": last,
        "next_due": next_due,
        "overdue": bool(next_due and next_due < now),
        "overdue_by": (now - next_due) if next_due and next_due < now else None,
        "cadence": incident.update_cadence,
        "suggested_kind": suggested_kind(incident, last),
    }
