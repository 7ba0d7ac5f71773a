"""Response metrics and recurrence figures, computed by the database wherever it can.

Means come from `Avg` over `Incident.objects.with_durations()`. Medians and p90s come from PostgreSQL's
`percentile_cont`; SQLite has no such function, so there they are computed in Python from one `values_list`
of the already-annotated durations, with the same linear interpolation `percentile_cont` uses.
Every function runs a fixed number of queries whatever the number of incidents.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Avg, Count, DurationField, F, FloatField, Q, Value, Window
from django.db.models.functions import Lag, TruncQuarter
from django.utils import timezone

from incidents.models import DetectionSource, Incident, Severity

# (annotation from with_durations(), short name, what it measures)
DURATION_METRICS = [
    ("time_to_detect", "MTTD", "started → detected"),
    ("time_to_acknowledge", "MTTA", "detected → acknowledged"),
    ("time_to_mitigate", "MTTM", "started → mitigated"),
    ("time_to_resolve", "MTTR", "started → resolved"),
]
MEDIAN, P90 = 0.5, 0.9


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate: percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=float(fraction), output_field=DurationField(), **extra)


def database_has_percentiles():
    return connection.vendor == "postgresql"


def percentile_cont(values, fraction):
    """Linear interpolation between the closest ranks, exactly like SQL's percentile_cont. None if empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lower, upper = math.floor(position), math.ceil(position)
    if lower == upper:
        return ordered[lower]
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


@dataclass
class Summary:
    """Mean, median and p90 of one duration over some incidents (None where there is no data)."""

    count: int = 0
    mean: timedelta | None = None
    median: timedelta | None = None
    p90: timedelta | None = None


@dataclass
class MetricsRow:
    key: object
    label: str
    incidents: int = 0
    metrics: dict = field(default_factory=dict)  # short name → Summary


def _as_timedelta(value):
    """Avg over a duration comes back as a timedelta on PostgreSQL and as microseconds on SQLite."""
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(microseconds=value)


def _aggregates():
    aggregates = {"n_incidents": Count("id")}
    for name, short, _ in DURATION_METRICS:
        aggregates[f"{short}_count"] = Count(name)
        aggregates[f"{short}_mean"] = (
            Avg(name, output_field=FloatField()) if connection.vendor == "sqlite" else Avg(name)
        )
        if database_has_percentiles():
            aggregates[f"{short}_median"] = PercentileCont(name, MEDIAN)
            aggregates[f"{short}_p90"] = PercentileCont(name, P90)
    return aggregates


def response_metrics(incidents, group_by, durations=None):
    """MTTx summaries per group: group_by is "severity", "quarter" or None (everything together).

    `durations` (from `durations_for_percentiles`) lets several groupings share the one query SQLite needs."""
    queryset = incidents.with_durations()
    if group_by == "quarter":
        queryset = queryset.annotate(quarter=TruncQuarter("started_at"))
    if group_by:
        grouped = queryset.order_by().values(group_by).annotate(**_aggregates()).order_by(group_by)
    else:
        grouped = [queryset.aggregate(**_aggregates())]
    if database_has_percentiles():
        python_percentiles = None
    else:
        python_percentiles = _group_durations(
            durations if durations is not None else durations_for_percentiles(incidents), group_by
        )
    rows = []
    for values in grouped:
        key = values.get(group_by) if group_by else None
        if not values["n_incidents"]:
            continue
        row = MetricsRow(key=key, label=group_label(group_by, key), incidents=values["n_incidents"])
        for _, short, _ in DURATION_METRICS:
            summary = Summary(count=values[f"{short}_count"], mean=_as_timedelta(values[f"{short}_mean"]))
            if python_percentiles is None:
                summary.median, summary.p90 = values[f"{short}_median"], values[f"{short}_p90"]
            else:
                durations = python_percentiles[key][short]
                summary.median, summary.p90 = (
                    percentile_cont(durations, MEDIAN),
                    percentile_cont(durations, P90),
                )
            row.metrics[short] = summary
        rows.append(row)
    return rows


def durations_for_percentiles(incidents):
    """[{"severity", "quarter", <duration names>}] for every incident, in one query (SQLite's percentile path)."""
    names = [name for name, _, _ in DURATION_METRICS]
    queryset = incidents.with_durations().annotate(quarter=TruncQuarter("started_at")).order_by()
    return list(queryset.values("severity", "quarter", *names))


def _group_durations(rows, group_by):
    """{group key: {short name: [durations]}}, leaving out missing durations."""
    found = defaultdict(lambda: defaultdict(list))
    for row in rows:
        key = row[group_by] if group_by else None
        for name, short, _ in DURATION_METRICS:
            if row[name] is not None:
                found[key][short].append(row[name])
    return found


def quarter_label(moment):
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{local.year} Q{(local.month - 1) // 3 + 1}"


def group_label(group_by, key):
    if group_by == "severity":
        return Severity(key).label
    if group_by == "quarter":
        return quarter_label(key)
    return "All incidents"


def detection_mix(incidents):
    """[(source label, count, share)] — customer reports mean our monitoring missed it."""
    counts = dict(incidents.order_by().values_list("detection_source").annotate(n=Count("id")))
    total = sum(counts.values())
    return [
        {
            "source": source,
            "label": label,
            "count": counts.get(source, 0),
            "share": counts.get(source, 0) / total if total else 0,
            "anti_pattern": source == DetectionSource.CUSTOMER_REPORT,
        }
        for source, label in DetectionSource.choices
    ]


def incidents_per_quarter_by_severity(incidents):
    """{quarter: {severity: count}} in quarter order."""
    rows = (
        incidents.annotate(quarter=TruncQuarter("started_at"))
        .order_by()
        .values_list("quarter", "severity")
        .annotate(n=Count("id"))
        .order_by("quarter")
    )
    table = {}
    for quarter, severity, count in rows:
        table.setdefault(quarter, {})[severity] = count
    return table


def per_quarter(incidents, through_model, name_field):
    """Incident counts per (name, quarter) through an M2M table: [(name, {quarter: n}, total)], busiest first."""
    rows = (
        through_model.objects.filter(incident__in=incidents.values("pk"))
        .annotate(quarter=TruncQuarter("incident__started_at"))
        .order_by()
        .values_list(name_field, "quarter")
        .annotate(n=Count("id"))
    )
    table = defaultdict(dict)
    for name, quarter, count in rows:
        table[name][quarter] = count
    return sorted(
        ((name, quarters, sum(quarters.values())) for name, quarters in table.items()),
        key=lambda item: (-item[2], item[0].casefold(), item[0]),
    )


def categories_per_quarter(incidents):
    return per_quarter(incidents, Incident.categories.through, "category__name")


def services_per_quarter(incidents):
    return per_quarter(incidents, Incident.services.through, "service__name")


REPEATS_SHOWN = 50


@dataclass
class Repeat:
    incident: Incident
    earlier: Incident  # annotated with action_items_total and action_items_closed
    category: str
    service: str
    gap: timedelta


def repeat_pairs(incidents, window=None):
    """(incident, category, service) links of `incidents` whose previous incident in the same category and service
    (among `incidents`, by start then id) started at most `window` earlier: the repeats, computed by the database.

    LAG over the categories × services join, partitioned by (category, service); the window condition refers to
    the LAG, so Django applies it after the window is computed (the LAG still sees every given incident).
    Each row has incident_id, category_id, service_id, started_at, earlier_id and earlier_started_at."""
    window = window or settings.HINDSIGHT_REPEAT_WINDOW
    same_pair = {
        "partition_by": [F("category_id"), F("service_id")],
        "order_by": [F("started_at").asc(), F("incident_id").asc()],
    }
    return (
        Incident.categories.through.objects.filter(incident__in=incidents.values("pk"))
        .annotate(service_id=F("incident__services"), started_at=F("incident__started_at"))
        .filter(service_id__isnull=False)
        .annotate(
            earlier_id=Window(Lag("incident_id"), **same_pair),
            earlier_started_at=Window(Lag("started_at"), **same_pair),
        )
        .filter(earlier_started_at__gte=F("started_at") - Value(window, DurationField()))
        .order_by()
    )


def repeat_counts(incidents, category_names=(), window=None):
    """(how many of `incidents` are repeats, {category name: how many of its incidents repeat an earlier incident
    of that category and service}) for the named categories, in one query. An incident repeating in several
    categories or services counts once in the total and once in each of those categories."""
    repeat = "incident_id"
    per_category = {
        f"category_{i}": Count(repeat, distinct=True, filter=Q(category__name=name))
        for i, name in enumerate(category_names)
    }
    counts = repeat_pairs(incidents, window).aggregate(total=Count(repeat, distinct=True), **per_category)
    return counts["total"], {name: counts[f"category_{i}"] for i, name in enumerate(category_names)}


def repeat_incidents(incidents, window=None, limit=None):
    """The `limit` (default REPEATS_SHOWN) most recent repeat incidents, newest first, each with its closest
    earlier incident and that incident's action-item closure. Two queries whatever the number of repeats."""
    links = _closest_links(incidents, window, limit or REPEATS_SHOWN)
    involved = {link["incident_id"] for link in links} | {link["earlier_id"] for link in links}
    by_id = _with_action_item_closure(Incident.objects.filter(pk__in=involved))
    return [
        Repeat(
            by_id[link["incident_id"]],
            by_id[link["earlier_id"]],
            link["category_name"],
            link["service_name"],
            link["started_at"] - link["earlier_started_at"],
        )
        for link in links
    ]


def _closest_links(incidents, window, limit):
    """One repeat link for each of the `limit` most recent repeat incidents: the one with the smallest gap (then by
    category and service name). The links arrive newest incident first, so reading stops after the last one."""
    links = (
        repeat_pairs(incidents, window)
        .annotate(category_name=F("category__name"), service_name=F("incident__services__name"))
        .order_by("-started_at", "-incident_id", "-earlier_started_at", "category_name", "service_name")
        .values(
            "incident_id", "earlier_id", "category_name", "service_name", "started_at", "earlier_started_at"
        )
    )
    closest = {}
    for link in links.iterator(chunk_size=4 * limit):
        if link["incident_id"] in closest:
            continue
        if len(closest) == limit:
            break
        closest[link["incident_id"]] = link
    return list(closest.values())


def _with_action_item_closure(incidents):
    """{id: incident} annotated with how many of its postmortem's action items exist and are closed."""
    from postmortems.models import ActionItem

    items = "postmortem__action_items"
    return incidents.annotate(
        action_items_total=Count(items),
        action_items_closed=Count(items, filter=Q(**{f"{items}__status__in": ActionItem.CLOSED_STATUSES})),
    ).in_bulk()


@dataclass
class TeamFollowThrough:
    team: str
    total: int = 0
    closed: int = 0
    closed_on_time: int = 0
    overdue: int = 0
    done: int = 0

    @property
    def closure_rate(self):
        return self.closed / self.total if self.total else None

    @property
    def on_time_rate(self):
        """Of the items that are done or already past due, the share done by their due date."""
        due = self.done + self.overdue
        return self.closed_on_time / due if due else None


def action_item_follow_through(incidents, today=None):
    """Per team: how many action items from these incidents' postmortems were closed, and closed on time."""
    from postmortems.models import ActionItem

    items = ActionItem.objects.filter(postmortem__incident__in=incidents.values("pk")).order_by()
    # The subsets need not repeat the incident filter (the outer query has it): plain subqueries are much cheaper.
    every_item = ActionItem.objects.order_by()
    named = {
        "closed": every_item.closed(),
        "done": every_item.filter(status=ActionItem.Status.DONE),
        "closed_on_time": every_item.closed_on_time(),
        "overdue": every_item.overdue(today),
    }
    rows = items.values("team").annotate(
        total=Count("pk"),
        **{name: Count("pk", filter=Q(pk__in=subset.values("pk"))) for name, subset in named.items()},
    )
    rows = sorted(rows, key=lambda row: (row["team"] == "", row["team"].casefold()))
    return [TeamFollowThrough(**{**row, "team": row["team"] or "No team"}) for row in rows]


@dataclass
class ComplianceRow:
    label: str
    incidents: int = 0
    done: int = 0
    total: int = 0

    @property
    def score(self):
        return self.done / self.total if self.total else None


@dataclass
class ChecklistCompliance:
    overall: ComplianceRow
    by_team: list  # [ComplianceRow], team name order
    by_quarter: list  # [ComplianceRow], oldest first
    missed: list  # [(item label, how many incidents missed it)], most missed first


def checklist_compliance(incidents):
    """Response-checklist compliance (items done / items) overall, per owning team and per quarter, and the items
    most often missed. Six queries whatever the number of incidents."""
    from incidents.checklist import build_checklist, facts_for_row
    from incidents.models import ChecklistItem, IncidentChecklistTick

    rows = incidents.checklist_fact_rows()
    ticks = defaultdict(list)
    for incident_id, item in IncidentChecklistTick.objects.filter(
        incident__in=incidents.values("pk")
    ).values_list("incident_id", "item"):
        ticks[incident_id].append(IncidentChecklistTick(item=item))
    teams = defaultdict(set)
    for incident_id, team in Incident.services.through.objects.filter(
        incident__in=incidents.values("pk")
    ).values_list("incident_id", "service__team"):
        teams[incident_id].add(team)

    overall = ComplianceRow("All incidents")
    by_team, by_quarter = {}, {}
    missed = dict.fromkeys(ChecklistItem.values, 0)
    for row in rows:
        checklist = build_checklist(facts_for_row(row), ticks[row["id"]])
        quarter = quarter_label(row["started_at"])
        groups = [overall, by_quarter.setdefault(quarter, ComplianceRow(quarter))]
        groups += [by_team.setdefault(team, ComplianceRow(team)) for team in teams[row["id"]]]
        for group in groups:
            group.incidents += 1
            group.done += checklist.done
            group.total += checklist.total
        for item in checklist.missed:
            missed[item] += 1
    return ChecklistCompliance(
        overall=overall,
        by_team=[by_team[team] for team in sorted(by_team, key=str.casefold)],
        by_quarter=[by_quarter[quarter] for quarter in sorted(by_quarter)],
        missed=sorted(
            ((ChecklistItem(item).label, count) for item, count in missed.items() if count),
            key=lambda pair: (-pair[1], pair[0]),
        ),
    )


@dataclass
class TeamPractice:
    team: str
    per_quarter: list  # [count per quarter], in the order of DrillReport.quarters

    def below(self, target):
        return [count < target for count in self.per_quarter]


@dataclass
class DrillReport:
    target: int
    quarters: list  # quarter labels, oldest first, ending with the current quarter
    teams: list  # [TeamPractice], team name order
    not_practised: list  # teams with no practice in the current quarter

    @property
    def rows(self):
        """[(team, [(count, below target)])] for the table."""
        return [
            (team.team, list(zip(team.per_quarter, team.below(self.target), strict=True)))
            for team in self.teams
        ]


def drills_per_team(practice, quarters_shown=4, today=None):
    """Drills, game days and tabletops per owning team per quarter (the last `quarters_shown` quarters) against
    settings.HINDSIGHT_DRILLS_PER_QUARTER, and the teams that have not practised this quarter. Two queries."""
    from incidents.models import Service

    today = today or timezone.localdate()
    quarters = []
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(quarters_shown):
        quarters.insert(0, f"{year} Q{quarter}")
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    counts = defaultdict(lambda: defaultdict(int))
    rows = (
        Incident.services.through.objects.filter(incident__in=practice.values("pk"))
        .values_list("incident__started_at", "service__team", "incident_id")
        .distinct()
    )
    seen = set()
    for started_at, team, incident_id in rows:
        if (team, incident_id) not in seen:
            seen.add((team, incident_id))
            counts[team][quarter_label(started_at)] += 1
    teams = sorted(set(Service.objects.order_by().values_list("team", flat=True)), key=str.casefold)
    practice_rows = [TeamPractice(team, [counts[team][q] for q in quarters]) for team in teams]
    return DrillReport(
        target=settings.HINDSIGHT_DRILLS_PER_QUARTER,
        quarters=quarters,
        teams=practice_rows,
        not_practised=[row.team for row in practice_rows if not row.per_quarter[-1]],
    )


# --- MTBF: mean time between failures (starts of consecutive real incidents) -----------------------------------
NOT_ENOUGH_INCIDENTS = "not enough incidents"


@dataclass
class TimeBetweenFailures:
    """Mean and median time between the starts of consecutive incidents; None for both below two incidents."""

    label: str
    incidents: int = 0
    mean: timedelta | None = None
    median: timedelta | None = None

    @property
    def enough(self):
        return self.incidents >= 2

    @property
    def intervals(self):
        return max(self.incidents - 1, 0)

    def __str__(self):
        return (
            f"{self.label}: {NOT_ENOUGH_INCIDENTS}" if not self.enough else f"{self.label}: mean {self.mean}"
        )


def _between(label, starts):
    """TimeBetweenFailures over sorted start times."""
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    result = TimeBetweenFailures(label, incidents=len(starts))
    if gaps:
        result.mean = sum(gaps, timedelta()) / len(gaps)
        result.median = percentile_cont(gaps, MEDIAN)
    return result


def mtbf_for_service(service, incidents=None):
    """MTBF of one service over its real incidents (or the given ones): .enough is False (and mean/median None,
    str() says "not enough incidents") below two incidents. One query."""
    incidents = Incident.objects.real() if incidents is None else incidents
    starts = sorted(
        incidents.filter(services=service).order_by().values_list("started_at", flat=True).distinct()
    )
    return _between(str(service), starts)


@dataclass
class MtbfReport:
    overall: TimeBetweenFailures
    by_quarter: list  # [TimeBetweenFailures] per quarter (intervals ending in it), oldest first
    by_service: list  # [TimeBetweenFailures] per service, most incidents first


def mtbf_report(incidents):
    """MTBF overall, per quarter (each interval counted in the quarter its later incident started) and per service,
    over the given incidents (Insights passes real ones unless practice is asked for). Two queries."""
    starts = sorted(incidents.order_by().values_list("started_at", flat=True))
    per_quarter = defaultdict(list)
    for earlier, later in zip(starts, starts[1:], strict=False):
        per_quarter[quarter_label(later)].append(later - earlier)
    by_quarter = []
    for label in sorted(per_quarter):
        gaps = per_quarter[label]
        by_quarter.append(
            TimeBetweenFailures(
                label,
                incidents=len(gaps) + 1,
                mean=sum(gaps, timedelta()) / len(gaps),
                median=percentile_cont(gaps, MEDIAN),
            )
        )
    per_service = defaultdict(list)
    for name, started_at in (
        Incident.services.through.objects.filter(incident__in=incidents.values("pk"))
        .order_by()
        .values_list("service__name", "incident__started_at")
    ):
        per_service[name].append(started_at)
    by_service = sorted(
        (_between(name, sorted(found)) for name, found in per_service.items()),
        key=lambda row: (-row.incidents, row.label.casefold()),
    )
    return MtbfReport(overall=_between("All services", starts), by_quarter=by_quarter, by_service=by_service)
