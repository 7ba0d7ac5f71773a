"""Reads for incident pages that are more than one queryset method."""

from dataclasses import dataclass, field

from runbooks.forms import runbook_suggestions
from runbooks.models import Runbook

from .models import Alert, Incident, is_web_link

ALERTS_SHOWN = 50


@dataclass
class AlertPanel:
    """The incident page's alert section: the first rows of the table and the runbooks the alerts point to."""

    rows: list[Alert]
    total: int
    firing: int
    alert_runbooks: list[Runbook] = field(default_factory=list)
    external_runbooks: list[str] = field(default_factory=list)
    service_runbooks: list[Runbook] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def alert_panel(incident: Incident) -> AlertPanel | None:
    """None for an incident no alert touched (no query); else one query for the rows, plus one for the services'
    runbooks when no alert names a runbook."""
    if not incident.alerts_total:
        return None
    rows = list(incident.alerts.for_table()[:ALERTS_SHOWN])
    panel = AlertPanel(rows=rows, total=incident.alerts_total, firing=incident.alerts_firing)
    for row in rows:
        if row.suggested_runbook and row.suggested_runbook not in panel.alert_runbooks:
            panel.alert_runbooks.append(row.suggested_runbook)
        elif (
            not row.suggested_runbook
            and row.runbook_url
            and is_web_link(row.runbook_url)
            and row.runbook_url not in panel.external_runbooks
        ):
            panel.external_runbooks.append(row.runbook_url)
    if not panel.alert_runbooks and not panel.external_runbooks:
        panel.service_runbooks = list(runbook_suggestions(incident)[:5])
    return panel
