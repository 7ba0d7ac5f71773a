"""The initial response checklist: derived from what the incident record already knows, plus responders' ticks.

Pure functions over `ChecklistFacts`, which come either from one incident whose timeline, status updates, SMEs,
postmortem and ticks are prefetched (the incident page: no extra query) or from one annotated row per incident
(`Incident.objects.checklist_fact_rows()`, Insights: four queries for any number of incidents).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings

from .models import ChecklistItem, IncidentChecklistTick, Severity, TimelineEntry

# Timeline kinds that show someone is working the problem (not just the automatic status lines).
INVESTIGATING_KINDS = (TimelineEntry.Kind.OBSERVATION, TimelineEntry.Kind.ACTION, TimelineEntry.Kind.DECISION)
# change_status() writes "Status changed from X to Resolved." and appends the responder's note after it.
RESOLVED_WITH_NOTE = " to Resolved. "


def is_resolution_note(entry: TimelineEntry) -> bool:
    return entry.kind == TimelineEntry.Kind.STATUS_CHANGE and RESOLVED_WITH_NOTE in entry.text


@dataclass(frozen=True)
class ChecklistFacts:
    acknowledged: bool
    severity_known: bool
    has_commander: bool
    has_other_role: bool
    has_channel: bool
    investigating_entry: bool
    declared_at: datetime
    first_update_at: datetime | None
    mitigated: bool
    resolved: bool
    resolution_note: bool
    timeline_entries: int
    has_postmortem: bool


@dataclass
class ChecklistLine:
    item: str
    label: str
    done: bool
    missing: str = ""  # what the data lacks, when not done
    tick: IncidentChecklistTick | None = None  # a responder's tick, when the data could not show it

    @property
    def ticked(self) -> bool:
        return self.tick is not None


@dataclass
class Checklist:
    lines: list[ChecklistLine] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(line.done for line in self.lines)

    @property
    def total(self) -> int:
        return len(self.lines)

    @property
    def score(self) -> float:
        return self.done / self.total if self.total else 0.0

    @property
    def missed(self) -> list[str]:
        return [line.item for line in self.lines if not line.done]


def facts_for_incident(incident) -> ChecklistFacts:
    """From an incident with timeline, status_updates, smes and postmortem prefetched: no query."""
    entries = list(incident.timeline.all())
    updates = [update.posted_at for update in incident.status_updates.all()]
    return ChecklistFacts(
        acknowledged=incident.acknowledged_at is not None,
        severity_known=incident.severity != Severity.UNKNOWN,
        has_commander=incident.commander_id is not None,
        has_other_role=bool(
            incident.tech_lead_id or incident.comms_lead_id or incident.scribe_id or incident.smes.all()
        ),
        has_channel=bool(incident.chat_channel_url or incident.bridge_url),
        investigating_entry=any(entry.kind in INVESTIGATING_KINDS for entry in entries),
        declared_at=incident.detected_at or incident.started_at,
        first_update_at=min(updates, default=None),
        mitigated=incident.mitigated_at is not None,
        resolved=incident.resolved_at is not None,
        resolution_note=any(is_resolution_note(entry) for entry in entries),
        timeline_entries=len(entries),
        has_postmortem=getattr(incident, "postmortem", None) is not None,
    )


def facts_for_row(row: dict) -> ChecklistFacts:
    """From one `Incident.objects.checklist_fact_rows()` row."""
    return ChecklistFacts(
        acknowledged=row["acknowledged_at"] is not None,
        severity_known=row["severity"] != Severity.UNKNOWN,
        has_commander=row["commander_id"] is not None,
        has_other_role=bool(
            row["tech_lead_id"] or row["comms_lead_id"] or row["scribe_id"] or row["has_sme"]
        ),
        has_channel=bool(row["chat_channel_url"] or row["bridge_url"]),
        investigating_entry=row["has_investigating_entry"],
        declared_at=row["detected_at"] or row["started_at"],
        first_update_at=row["first_update_at"],
        mitigated=row["mitigated_at"] is not None,
        resolved=row["resolved_at"] is not None,
        resolution_note=row["has_resolution_note"],
        timeline_entries=row["timeline_entries"] or 0,
        has_postmortem=row["has_postmortem"],
    )


def _minutes(duration: timedelta) -> str:
    return f"{int(duration.total_seconds() // 60)} min"


def derive(facts: ChecklistFacts) -> dict[str, tuple[bool, str]]:
    """{item: (done, what is missing)} from the data alone."""
    within = settings.HINDSIGHT_FIRST_UPDATE_WITHIN
    minimum = settings.HINDSIGHT_CHECKLIST_MIN_TIMELINE_ENTRIES
    if facts.first_update_at is None:
        communicated = (False, f"No status update yet (due within {_minutes(within)} of detection).")
    elif facts.first_update_at - facts.declared_at > within:
        late = _minutes(facts.first_update_at - facts.declared_at)
        communicated = (False, f"The first status update came after {late}, not within {_minutes(within)}.")
    else:
        communicated = (True, "")
    return {
        ChecklistItem.ACKNOWLEDGED: (facts.acknowledged, "No acknowledged time."),
        ChecklistItem.SEVERITY: (facts.severity_known, "The severity is unknown."),
        ChecklistItem.TEAM: (
            facts.has_commander and facts.has_other_role,
            "No incident commander." if not facts.has_commander else "Nobody in a second role yet.",
        ),
        ChecklistItem.CHANNEL: (facts.has_channel, "No chat channel or bridge link."),
        ChecklistItem.INVESTIGATING: (
            facts.investigating_entry,
            "No observation, action or decision logged.",
        ),
        ChecklistItem.COMMUNICATED: communicated,
        ChecklistItem.MITIGATED: (facts.mitigated, "No mitigated time."),
        ChecklistItem.VERIFIED: (
            facts.resolved and facts.resolution_note,
            "Not resolved yet."
            if not facts.resolved
            else "Resolved without a note saying how it was verified.",
        ),
        ChecklistItem.DOCUMENTED: (
            facts.timeline_entries >= minimum,
            f"{facts.timeline_entries} of at least {minimum} timeline entries.",
        ),
        ChecklistItem.POSTMORTEM: (facts.has_postmortem, "No postmortem started."),
    }


def build_checklist(facts: ChecklistFacts, ticks=()) -> Checklist:
    """The checklist in order; a tick marks done what the data does not show."""
    ticked = {tick.item: tick for tick in ticks}
    checklist = Checklist()
    for item, (done, missing) in derive(facts).items():
        tick = None if done else ticked.get(item)
        checklist.lines.append(
            ChecklistLine(
                item=item,
                label=ChecklistItem(item).label,
                done=done or tick is not None,
                missing="" if done or tick else missing,
                tick=tick,
            )
        )
    return checklist


def checklist_for(incident) -> Checklist:
    """The incident page's checklist (checklist_ticks prefetched along with the rest)."""
    return build_checklist(facts_for_incident(incident), incident.checklist_ticks.all())


class TickRefused(Exception):
    """Why a tick cannot be recorded, in words for the responder."""


def tick_item(*, incident, item: str, by, note: str = "") -> IncidentChecklistTick:
    """Record that `item` was done. On a resolved incident the tick is allowed only with a note, so a late tick
    says how the responder knows."""
    if item not in ChecklistItem.values:
        raise TickRefused("That is not an item of the checklist.")
    note = note.strip()
    if not incident.is_open and not note:
        raise TickRefused(
            "This incident is resolved: add a note saying how you know this was done to tick it afterwards."
        )
    tick, _ = IncidentChecklistTick.objects.update_or_create(
        incident=incident, item=item, defaults={"by": by, "note": note[:500]}
    )
    return tick
