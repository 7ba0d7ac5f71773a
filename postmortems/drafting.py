"""The first draft of a postmortem: the section template, with the incident's timeline already written in."""

import re

from django.utils import timezone

from core.people import display_name
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


# --- Templates: {{ name }} or {{ name|default:"text for when it is empty" }}, from a fixed set of names -------
# Deliberately not Django's template engine: a template is edited in the admin and filled with data a
# responder typed, so it may only name these values, and nothing it says can run or reach anything else.
PLACEHOLDER = re.compile(r'\{\{\s*([\w.]+)\s*(?:\|\s*default:\s*"((?:[^"\\]|\\.)*)"\s*)?\}\}')


def _names(people):
    return ", ".join(str(item) for item in people)


def placeholder_values(incident):
    """Every placeholder a postmortem template may use, for one incident."""
    values = {
        "incident.reference": incident.reference,
        "incident.title": incident.title,
        "incident.severity": incident.get_severity_display(),
        "incident.status": incident.get_status_display(),
        "incident.summary": incident.summary.strip(),
        "incident.customer_impact": incident.customer_impact.strip(),
        "incident.detection_source": incident.get_detection_source_display(),
        "incident.services": _names(incident.services.all()),
        "incident.categories": _names(incident.categories.all()),
        "incident.commander": display_name(incident.commander),
        "timeline": "\n".join(timeline_lines(incident)),
        "timezone": timezone.get_current_timezone_name(),
    }
    for field, _ in KEY_TIMESTAMPS:
        moment = getattr(incident, field)
        values[f"incident.{field}"] = _when(moment) if moment else ""
    return values


PLACEHOLDER_NAMES = (
    "incident.reference incident.title incident.severity incident.status incident.summary "
    "incident.customer_impact incident.detection_source incident.services incident.categories "
    "incident.commander timeline timezone " + " ".join(f"incident.{field}" for field, _ in KEY_TIMESTAMPS)
).split()


def unknown_placeholders(body):
    return sorted({match[1] for match in PLACEHOLDER.finditer(body)} - set(PLACEHOLDER_NAMES))


def fill_template(body, incident):
    """The template's text with the incident's values in place of its placeholders (unknown ones left as typed)."""
    values = placeholder_values(incident)

    def replace(match):
        if match[1] not in values:
            return match[0]
        return values[match[1]] or (match[2] or "").replace('\\"', '"')

    filled = PLACEHOLDER.sub(replace, body)
    return re.sub(r"\n{3,}", "\n\n", filled).strip() + "\n"


def standard_template_body():
    """The built-in "Standard" template: the section template above, as placeholders."""
    parts = []
    for heading, hint in SECTIONS:
        parts.append(f"## {heading}\n")
        if heading == "Summary":
            parts.append(f'{{{{ incident.summary|default:"_{hint}_" }}}}\n')
        elif heading == "Impact":
            parts.append(f'{{{{ incident.customer_impact|default:"_{hint}_" }}}}\n')
        elif heading == "Timeline":
            parts.append("All times {{ timezone }}.\n\n{{ timeline }}\n")
        elif hint:
            parts.append(f"_{hint}_\n")
    return "\n".join(parts)
