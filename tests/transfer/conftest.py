from datetime import UTC

import pytest

from transfer.services import import_incident_history

HEADER = (
    "external_id,title,severity,status,started_at,detected_at,acknowledged_at,mitigated_at,resolved_at,"
    "services,categories,detection_source,summary,customer_impact,postmortem,postmortem_status,published_at,url,"
    "action_items\n"
)


def csv_row(
    external_id="JIRA-1",
    title="Checkout down",
    severity="SEV-2",
    started="2021-03-04T10:00:00Z",
    resolved="2021-03-04T12:00:00Z",
    services="checkout-api",
    categories="bad deploy",
    **extra,
):
    values = {
        "status": "resolved",
        "detected_at": "2021-03-04T10:05:00Z",
        "acknowledged_at": "2021-03-04T10:10:00Z",
        "mitigated_at": "2021-03-04T11:00:00Z",
        "detection_source": "alert",
        "summary": "",
        "customer_impact": "",
        "postmortem": "",
        "postmortem_status": "",
        "published_at": "",
        "url": "",
        "action_items": "",
    }
    values.update(extra)
    cells = [
        external_id,
        title,
        severity,
        values["status"],
        started,
        values["detected_at"],
        values["acknowledged_at"],
        values["mitigated_at"],
        resolved,
        services,
        categories,
        values["detection_source"],
        values["summary"],
        values["customer_impact"],
        values["postmortem"],
        values["postmortem_status"],
        values["published_at"],
        values["url"],
        values["action_items"],
    ]
    return ",".join(_quoted(cell) if any(c in cell for c in ',"\n') else cell for cell in cells) + "\n"


def _quoted(cell):
    return '"' + cell.replace('"', '""') + '"'


@pytest.fixture
def run_import(db):
    def run(text, *, file_format="csv", filename="history.csv", **options):
        return import_incident_history(
            content=text.encode(), filename=filename, file_format=file_format, zone=UTC, **options
        )

    return run
