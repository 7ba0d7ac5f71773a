"""Reading an import file: CSV (through tablib) or JSON, into validated rows, each bad one with its position
in the file and the reason."""

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from incidents.models import KEY_TIMESTAMPS, Incident

from .columns import (
    COLUMN_NAMES,
    ActionItemValues,
    CellError,
    parse_action_items,
    parse_detection_source,
    parse_names,
    parse_postmortem_status,
    parse_severity,
    parse_status,
    parse_time,
)

FORMATS = ("csv", "json")


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (wrong format, unknown columns, no external_id column…)."""


@dataclass(frozen=True)
class SourceRecord:
    position: str  # "line 7" for CSV, "record 3" for JSON
    values: dict[str, Any]


@dataclass
class ImportRow:
    position: str
    external_id: str
    incident_fields: dict[str, Any]
    services: list[str]
    categories: list[str]
    postmortem_body: str
    postmortem_status: str
    published_at: datetime | None
    action_items: list[ActionItemValues] = field(default_factory=list)

    @property
    def has_postmortem(self) -> bool:
        return bool(self.postmortem_body.strip()) or bool(self.action_items) or self.published_at is not None


@dataclass(frozen=True)
class RowError:
    position: str
    external_id: str
    reason: str

    def __str__(self) -> str:
        label = f" ({self.external_id})" if self.external_id else ""
        return f"{self.position}{label}: {self.reason}"


def format_of(filename: str, declared: str = "") -> str:
    """'csv' or 'json', from an explicit choice or the file name's extension."""
    name = (declared or filename.rsplit(".", 1)[-1]).lower()
    if name not in FORMATS:
        raise UnreadableFile(f"{filename}: use a .csv or .json file (or say which format it is).")
    return name


def read_records(content: bytes, *, file_format: str) -> list[SourceRecord]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("The file is not UTF-8 text.") from None
    records = _csv_records(text) if file_format == "csv" else _json_records(text)
    return records


def _check_columns(columns: list[str]) -> None:
    unknown = [column for column in columns if column not in COLUMN_NAMES]
    if unknown:
        raise UnreadableFile(
            f"Unknown column {', '.join(unknown)}; the columns are {', '.join(COLUMN_NAMES)}."
        )
    if "external_id" not in columns:
        raise UnreadableFile("The external_id column is required.")


def _csv_records(text: str) -> list[SourceRecord]:
    try:
        dataset = tablib.Dataset().load(text, format="csv")
    except (csv.Error, tablib.InvalidDimensions) as error:
        raise UnreadableFile(f"Not a readable CSV file: {error}") from None
    headers = [header.strip() for header in dataset.headers or []]
    _check_columns(headers)
    # tablib hands over the records; csv's own line counter says where each starts (cells may span lines).
    lines = _csv_record_start_lines(text)
    return [
        SourceRecord(position=f"line {line}", values=dict(zip(headers, row, strict=True)))
        for line, row in zip(lines, dataset, strict=False)
    ]


def _csv_record_start_lines(text: str) -> list[int]:
    reader = csv.reader(io.StringIO(text))
    starts = []
    next_start = 1
    for row in reader:
        if row and next_start > 1:
            starts.append(next_start)
        next_start = reader.line_num + 1
    return starts


def _json_records(text: str) -> list[SourceRecord]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableFile(f"Not valid JSON: {error.msg} at line {error.lineno}.") from None
    if isinstance(data, dict) and isinstance(data.get("incidents"), list):
        data = data["incidents"]
    if not isinstance(data, list):
        raise UnreadableFile("Expected a JSON list of incident objects.")
    records = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise UnreadableFile(f"record {number}: expected an object.")
        _check_columns([*item.keys(), "external_id"])
        records.append(SourceRecord(position=f"record {number}", values=item))
    return records


def _text(values: dict[str, Any], column: str) -> str:
    value = values.get(column)
    return "" if value is None else str(value)


def validate_record(record: SourceRecord, *, zone: tzinfo) -> ImportRow:
    """An ImportRow, or ValidationError with every problem of the record (its messages name the column)."""
    values = record.values
    problems: list[str] = []

    def read(parse: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return parse(*args, **kwargs)
        except CellError as error:
            problems.append(str(error))
            return None

    external_id = _text(values, "external_id").strip()
    if not external_id:
        problems.append("external_id: required.")
    elif len(external_id) > 200:
        problems.append("external_id: at most 200 characters.")
    title = " ".join(_text(values, "title").split())
    if not title:
        problems.append("title: required.")
    elif len(title) > 200:
        problems.append("title: at most 200 characters.")
    times = {
        name: read(parse_time, _text(values, name), column=name, zone=zone) for name, _ in KEY_TIMESTAMPS
    }
    if times["started_at"] is None and not any(p.startswith("started_at") for p in problems):
        problems.append("started_at: required.")
    url = _text(values, "url").strip()
    if url:
        try:
            URLValidator()(url)
        except ValidationError:
            problems.append(f"url: {url!r} is not a web address.")
    published_at = read(parse_time, _text(values, "published_at"), column="published_at", zone=zone)
    postmortem_status = read(
        parse_postmortem_status, _text(values, "postmortem_status"), published_at=published_at
    )
    if postmortem_status == "published" and published_at is None:
        problems.append("published_at: required for a published postmortem.")
    incident_fields = {
        "title": title,
        "severity": read(parse_severity, _text(values, "severity")),
        "status": read(parse_status, _text(values, "status"), resolved_at=times["resolved_at"]),
        "detection_source": read(parse_detection_source, _text(values, "detection_source")),
        "summary": _text(values, "summary"),
        "customer_impact": _text(values, "customer_impact"),
        "source_url": url[:500],
        **times,
    }
    row = ImportRow(
        position=record.position,
        external_id=external_id,
        incident_fields=incident_fields,
        services=parse_names(_text(values, "services")),
        categories=parse_names(_text(values, "categories")),
        postmortem_body=_text(values, "postmortem"),
        postmortem_status=postmortem_status or "draft",
        published_at=published_at,
        action_items=read(parse_action_items, values.get("action_items"), zone=zone) or [],
    )
    if not problems:
        problems.extend(_model_problems(row))
    if row.action_items and not row.postmortem_body.strip() and postmortem_status != "published":
        problems.append("action_items: need a postmortem (the postmortem column is empty).")
    if problems:
        raise ValidationError(problems)
    return row


def _model_problems(row: ImportRow) -> list[str]:
    """The incident's own rules (timestamps in order, resolved ⇔ resolved time, not in the future)."""
    try:
        Incident(**row.incident_fields).clean()
    except ValidationError as error:
        return [f"{column}: {' '.join(messages)}" for column, messages in error.message_dict.items()]
    return []
