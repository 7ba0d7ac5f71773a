"""Reads for incident pages that are more than one queryset method."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, Expression, OuterRef, Q, QuerySet

from runbooks.forms import runbook_suggestions
from runbooks.models import Runbook

from .models import Alert, Incident, is_web_link, visible_q

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


def hidden_incidents(user: Any) -> "QuerySet[Incident] | None":
    """The restricted incidents `user` may not see, or None when they may see every one: the complement of
    `visible_q(user)` among the few restricted incidents."""
    if getattr(user, "is_superuser", False):
        return None
    return Incident.objects.filter(restricted=True).exclude(visible_q(user)).order_by()


def unhidden_q(user: Any, incident: str = "pk") -> Q | Expression:
    """The same rows as `visible_q(user)` (for incidents, or rows whose `incident` field names one), spelt for the
    long lists: "not one of the incidents hidden from `user`" is an anti-join against the handful of restricted
    incidents, where "unrestricted, or theirs, or the security group's" makes the database read every incident
    row (or join to it) only to look at its `restricted` flag: 8 → 1.5 ms for the capped count of 100,000
    incidents, 100 → 5 ms for the count of 50,000 postmortems."""
    hidden = hidden_incidents(user)
    return Q() if hidden is None else ~Exists(hidden.filter(pk=OuterRef(incident)))


def visible_incidents(user: Any) -> "QuerySet[Incident]":
    """Incident.objects.visible_to(user), through `unhidden_q`."""
    return Incident.objects.filter(unhidden_q(user))
