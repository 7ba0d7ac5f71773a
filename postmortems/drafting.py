"""The first draft of a postmortem: the section template, with the incident's timeline already written in."""

from django.utils import timezone

from incidents.models import KEY_TIMESTAMPS

SECTIONS = [
    ("Summary", "What happened, in two or three sentences a newcomer would understand."),
    ("Impact", "Who was affected, how, and for how long. Numbers where you have them."),
    ("Timeline", None),
    ("Contributing factors", "What about the system, tooling and process allowed this to happen? (Not who.)"),
    ("What went well", ""),
    ("What went badly", ""),
    ("Where we got lucky", ""),
    ("Action items", "Tracked below this editor, each with an owner and a due date."),
]


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def timeline_lines(incident):
    """Key timestamps and timeline entries, merged in time order, in the active time zone."""
    events = [
        (getattr(incident, field), f"**{label}**")
        for field, label in KEY_TIMESTAMPS
        if getattr(incident, field)
    ]
    events.extend(
        (entry.occurred_at, f"{entry.get_kind_display()}: {entry.text}") for entry in incident.timeline.all()
    )
    events.sort(key=lambda event: event[0])
    return [f"- {_when(moment)} — {text}" for moment, text in events]


def initial_body(incident):
    parts = []
    for heading, hint in SECTIONS:
        parts.append(f"## {heading}\n")
        if heading == "Summary" and incident.summary:
            parts.append(f"{incident.summary.strip()}\n")
        elif heading == "Impact" and incident.customer_impact:
            parts.append(f"{incident.customer_impact.strip()}\n")
        elif heading == "Timeline":
            zone = timezone.get_current_timezone_name()
            parts.append(f"All times {zone}.\n\n" + "\n".join(timeline_lines(incident)) + "\n")
        elif hint:
            parts.append(f"_{hint}_\n")
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"
