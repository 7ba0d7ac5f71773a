"""Practising a runbook: a drill declared from the runbook, whose outcome counts as a review of it."""

from django.db import transaction

from incidents.models import Incident, Kind, Severity
from incidents.services import declare_incident

from .models import Runbook, RunbookUsage


@transaction.atomic
def start_drill(*, runbook: Runbook, by) -> Incident:
    """Declare a drill on the runbook's services, with `by` as its commander and the runbook linked to it."""
    return declare_incident(
        by=by,
        title=f"Drill: {runbook.title}"[:200],
        kind=Kind.DRILL,
        severity=Severity.SEV4,
        services=runbook.services.all(),
        practised_runbook=runbook,
        summary=f"Practising the runbook “{runbook.title}”. Follow it step by step and note where it is wrong.",
    )


def apply_drill_outcome(usage: RunbookUsage, by) -> str:
    """When a drill records how the runbook it practised did: "helped" is a review of the runbook (marked
    reviewed); "didn't help" flags it as needing an update (Runbook.objects.needs_update). Returns a sentence for the responder,
    empty when the usage is not the drill's own runbook."""
    incident = usage.incident
    if not incident.is_practice or not usage.runbook_id or usage.runbook_id != incident.practised_runbook_id:
        return ""
    if usage.outcome == RunbookUsage.Outcome.HELPED:
        assert usage.runbook is not None  # runbook_id is set (checked above)
        usage.runbook.mark_reviewed(by)
        return "The drill counts as a review: the runbook is marked reviewed."
    if usage.outcome == RunbookUsage.Outcome.DIDNT_HELP:
        return "The runbook did not hold up in the drill: it is flagged as needing an update."
    return "The runbook only partly helped in the drill: fix what was missing, then mark it reviewed."
