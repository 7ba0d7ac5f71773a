"""The import/export format: its columns, what each accepts, and how a cell becomes a value.

CSV and JSON carry the same columns. In JSON each record is an object and `action_items` a list of objects;
in CSV `action_items` holds that same list as JSON text (or is left empty).
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from django.utils import timezone

from incidents.models import DetectionSource, Severity, Status
from postmortems.models import ActionItem, Postmortem

# (column, what it holds) — the README's import section lists the same.
COLUMNS: list[tuple[str, str]] = [
    (
        "external_id",
        "Required. The incident's id in the source system; re-importing it updates the incident.",
    ),
    ("title", "Required, at most 200 characters."),
    ("severity", "SEV-1 … SEV-4 or 1 … 4; empty (or SEV-?) for unknown."),
    ("status", "investigating, identified, monitoring or resolved; empty: resolved when resolved_at is set."),
    ("started_at", "Required. ISO 8601; a time without an offset is read in the import's time zone."),
    ("detected_at", "ISO 8601 or empty."),
    ("acknowledged_at", "ISO 8601 or empty."),
    ("mitigated_at", "ISO 8601 or empty."),
    ("resolved_at", "ISO 8601 or empty; required when the status is resolved."),
    ("services", "Names separated by ';'. Matched case-insensitively; created when missing."),
    ("categories", "Names separated by ';'. Matched case-insensitively; created when missing."),
    ("detection_source", "alert, customer_report, internal, synthetic, other; empty for unknown."),
    ("summary", "Markdown."),
    ("customer_impact", "Text."),
    ("postmortem", "The postmortem's Markdown body; empty for none."),
    ("postmortem_status", "draft, in_review or published; empty: published when published_at is set."),
    ("published_at", "ISO 8601; required for a published postmortem."),
    ("url", "A link to the incident in the source system, kept on the incident."),
    (
        "action_items",
        "JSON list of {title, description, kind, priority, status, owner, due_date, "
        "wont_do_reason, completed_at}; needs a postmortem.",
    ),
]
COLUMN_NAMES: list[str] = [name for name, _ in COLUMNS]
ACTION_ITEM_KEYS = {
    "title",
    "description",
    "kind",
    "priority",
    "status",
    "owner",
    "due_date",
    "wont_do_reason",
    "completed_at",
}
NAME_SEPARATOR = ";"


class CellError(ValueError):
    """A value that cannot be read; the message says what was expected."""


@dataclass(frozen=True)
class ActionItemValues:
    title: str
    description: str
    kind: str
    priority: int
    status: str
    owner: str
    due_date: date | None
    wont_do_reason: str
    completed_at: datetime | None


def _choice(value: str, choices: list[tuple[Any, str]], column: str) -> Any:
    """A choice given by its value or its label, in any case."""
    wanted = value.strip().lower()
    for stored, label in choices:
        if wanted in (str(stored).lower(), str(label).lower()):
            return stored
    accepted = ", ".join(str(stored) for stored, _ in choices)
    raise CellError(f"{column}: {value!r} is not one of {accepted}.")


def parse_severity(value: str) -> int:
    text = value.strip().upper().replace(" ", "")
    if text in ("", "SEV-?", "SEV?", "?", "UNKNOWN"):
        return Severity.UNKNOWN
    number = text.removeprefix("SEV-").removeprefix("SEV")
    if number in {"1", "2", "3", "4"}:
        return int(number)
    raise CellError(f"severity: {value!r} is not SEV-1 … SEV-4, 1 … 4 or empty (unknown).")


def parse_status(value: str, *, resolved_at: datetime | None) -> str:
    if not value.strip():
        return Status.RESOLVED if resolved_at else Status.INVESTIGATING
    return _choice(value, Status.choices, "status")


def parse_detection_source(value: str) -> str:
    if not value.strip():
        return DetectionSource.UNKNOWN
    return _choice(value, DetectionSource.choices, "detection_source")


def parse_postmortem_status(value: str, *, published_at: datetime | None) -> str:
    if not value.strip():
        return Postmortem.Status.PUBLISHED if published_at else Postmortem.Status.DRAFT
    return _choice(value, Postmortem.Status.choices, "postmortem_status")


def parse_time(value: str, *, column: str, zone: tzinfo) -> datetime | None:
    text = value.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CellError(f"{column}: {value!r} is not an ISO 8601 time (e.g. 2024-03-01T14:05:00Z).") from None
    return timezone.make_aware(moment, zone) if timezone.is_naive(moment) else moment


def parse_date(value: str, *, column: str) -> date | None:
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CellError(f"{column}: {value!r} is not an ISO 8601 date (e.g. 2024-03-01).") from None


def parse_names(value: str) -> list[str]:
    """';'-separated names, trimmed, without blanks or case-insensitive repeats, in their first spelling."""
    names: dict[str, str] = {}
    for name in value.split(NAME_SEPARATOR):
        cleaned = " ".join(name.split())
        if cleaned:
            names.setdefault(cleaned.lower(), cleaned)
    return list(names.values())


def parse_action_items(value: Any, *, zone: tzinfo) -> list[ActionItemValues]:
    """The action_items cell: a list (JSON) or JSON text of one (CSV)."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise CellError(f"action_items: not valid JSON ({error.msg}).") from None
    if not isinstance(value, list):
        raise CellError("action_items: expected a list of objects.")
    return [_action_item(item, number, zone) for number, item in enumerate(value, start=1)]


def _action_item(item: Any, number: int, zone: tzinfo) -> ActionItemValues:
    where = f"action_items[{number}]"
    if not isinstance(item, dict):
        raise CellError(f"{where}: expected an object with at least a title.")
    unknown = sorted(set(item) - ACTION_ITEM_KEYS)
    if unknown:
        raise CellError(f"{where}: unknown key {', '.join(unknown)}.")
    text = {key: "" if item.get(key) is None else str(item[key]) for key in ACTION_ITEM_KEYS}
    title = text["title"].strip()
    if not title or len(title) > 200:
        raise CellError(f"{where}.title: required, at most 200 characters.")
    status = (
        _choice(text["status"], ActionItem.Status.choices, f"{where}.status") if text["status"] else "open"
    )
    if status == ActionItem.Status.WONT_DO and not text["wont_do_reason"].strip():
        raise CellError(f"{where}.wont_do_reason: required when the status is wont_do.")
    priority = text["priority"].strip().upper().removeprefix("P") or "3"
    if priority not in {"1", "2", "3", "4"}:
        raise CellError(f"{where}.priority: {text['priority']!r} is not 1 … 4 (or P1 … P4).")
    return ActionItemValues(
        title=title,
        description=text["description"][:5000],
        kind=_choice(text["kind"], ActionItem.Kind.choices, f"{where}.kind") if text["kind"] else "prevent",
        priority=int(priority),
        status=status,
        owner=text["owner"].strip(),
        due_date=parse_date(text["due_date"], column=f"{where}.due_date"),
        wont_do_reason=text["wont_do_reason"].strip()[:2000],
        completed_at=parse_time(text["completed_at"], column=f"{where}.completed_at", zone=zone),
    )
