"""Response metrics against values computed by hand on a small fixed data set (on SQLite and PostgreSQL)."""

from datetime import UTC, datetime, timedelta

import pytest

from incidents.models import Category, DetectionSource, Incident, Service, Status
from insights import metrics

pytestmark = pytest.mark.django_db

UTC = UTC
MIN = timedelta(minutes=1)


def incident(
    started,
    detect,
    ack,
    mitigate,
    resolve,
    severity=2,
    source=DetectionSource.ALERT,
    services=(),
    categories=(),
):
    """Times in minutes after `started`; None leaves a timestamp empty (and the incident open)."""
    at = lambda minutes: None if minutes is None else started + minutes * MIN  # noqa: E731
    created = Incident.objects.create(
        title=f"Incident at {started:%Y-%m-%d}",
        severity=severity,
        detection_source=source,
        status=Status.RESOLVED if resolve is not None else Status.INVESTIGATING,
        started_at=started,
        detected_at=at(detect),
        acknowledged_at=at(ack),
        mitigated_at=at(mitigate),
        resolved_at=at(resolve),
    )
    created.services.set(services)
    created.categories.set(categories)
    return created


@pytest.fixture
def fixed_incidents():
    """Five SEV-2s in 2026 Q1 with MTTR 10, 20, 30, 40, 100 min; two SEV-1s in Q2 with MTTR 60 and 120 min."""
    q1 = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    for day, resolve in enumerate([10, 20, 30, 40, 100]):
        incident(
            q1 + timedelta(days=day), detect=2 * (day + 1), ack=2 * (day + 1) + 1, mitigate=5, resolve=resolve
        )
    q2 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    incident(
        q2, detect=10, ack=15, mitigate=30, resolve=60, severity=1, source=DetectionSource.CUSTOMER_REPORT
    )
    incident(
        q2 + timedelta(days=1),
        detect=20,
        ack=None,
        mitigate=None,
        resolve=120,
        severity=1,
        source=DetectionSource.CUSTOMER_REPORT,
    )


def test_percentile_cont_interpolates_like_sql():
    values = [timedelta(minutes=m) for m in (10, 20, 30, 40, 100)]
    assert metrics.percentile_cont(values, 0.5) == timedelta(minutes=30)
    # p90: position 0.9 * 4 = 3.6 → 40 + 0.6 * (100 - 40) = 76 min
    assert metrics.percentile_cont(values, 0.9) == timedelta(minutes=76)
    assert metrics.percentile_cont([timedelta(minutes=60), timedelta(minutes=120)], 0.5) == timedelta(
        minutes=90
    )
    assert metrics.percentile_cont([], 0.5) is None


def test_overall_metrics_match_hand_computed_values(fixed_incidents):
    [row] = metrics.response_metrics(Incident.objects.all(), None)
    assert row.incidents == 7
    mttr = row.metrics["MTTR"]
    # MTTR values: 10, 20, 30, 40, 60, 100, 120 → mean 380/7, median 40, p90 at 5.4 → 100 + 0.4 * 20 = 108
    assert mttr.count == 7
    assert abs(mttr.mean - timedelta(minutes=380 / 7)) < timedelta(seconds=1)
    assert mttr.median == timedelta(minutes=40)
    assert mttr.p90 == timedelta(minutes=108)
    # MTTA: detected → acknowledged is 1 min for the five SEV-2s and 5 min for one SEV-1 (the other never acked)
    mtta = row.metrics["MTTA"]
    assert mtta.count == 6
    assert mtta.mean == timedelta(minutes=10 / 6)
    assert mtta.median == timedelta(minutes=1)
    assert mtta.p90 == timedelta(minutes=3)  # position 4.5 → 1 + 0.5 * 4


def test_metrics_by_severity(fixed_incidents):
    rows = {row.key: row for row in metrics.response_metrics(Incident.objects.all(), "severity")}
    assert [row.label for row in rows.values()] == ["SEV-1", "SEV-2"]
    sev2 = rows[2].metrics
    assert sev2["MTTR"].mean == timedelta(minutes=40)
    assert sev2["MTTR"].median == timedelta(minutes=30)
    assert sev2["MTTR"].p90 == timedelta(minutes=76)
    # MTTD for SEV-2: 2, 4, 6, 8, 10 → median 6, p90 9.2
    assert sev2["MTTD"].median == timedelta(minutes=6)
    assert sev2["MTTD"].p90 == timedelta(minutes=9.2)
    sev1 = rows[1].metrics
    assert sev1["MTTR"].median == timedelta(minutes=90)
    assert sev1["MTTR"].p90 == timedelta(minutes=114)
    assert sev1["MTTM"].count == 1
    assert sev1["MTTM"].median == timedelta(minutes=30)


def test_metrics_by_quarter(fixed_incidents):
    rows = metrics.response_metrics(Incident.objects.all(), "quarter")
    assert [(row.label, row.incidents) for row in rows] == [("2026 Q1", 5), ("2026 Q2", 2)]
    assert rows[1].metrics["MTTR"].mean == timedelta(minutes=90)


def test_detection_mix_counts_customer_reports(fixed_incidents):
    mix = {item["source"]: item for item in metrics.detection_mix(Incident.objects.all())}
    assert mix["alert"]["count"] == 5
    assert mix["customer_report"]["count"] == 2
    assert mix["customer_report"]["anti_pattern"]
    assert mix["customer_report"]["share"] == pytest.approx(2 / 7)


def test_repeat_incidents_within_the_window(settings):
    settings.HINDSIGHT_REPEAT_WINDOW = timedelta(days=90)
    deploys, capacity = Category.objects.create(name="bad deploy"), Category.objects.create(name="capacity")
    api, db = Service.objects.create(name="api", team="A"), Service.objects.create(name="db", team="B")
    start = datetime(2026, 1, 10, tzinfo=UTC)
    first = incident(start, 1, 2, 3, 4, services=[api], categories=[deploys])
    repeat = incident(start + timedelta(days=30), 1, 2, 3, 4, services=[api], categories=[deploys])
    incident(start + timedelta(days=200), 1, 2, 3, 4, services=[api], categories=[deploys])  # too late
    incident(start + timedelta(days=31), 1, 2, 3, 4, services=[db], categories=[deploys])  # other service
    incident(start + timedelta(days=32), 1, 2, 3, 4, services=[api], categories=[capacity])  # other category

    [found] = metrics.repeat_incidents(Incident.objects.all())
    assert (found.incident, found.earlier, found.category, found.service) == (
        repeat,
        first,
        "bad deploy",
        "api",
    )
    assert found.gap == timedelta(days=30)


def test_incidents_per_quarter_stacked_by_severity(fixed_incidents):
    table = metrics.incidents_per_quarter_by_severity(Incident.objects.all())
    assert [metrics.quarter_label(q) for q in table] == ["2026 Q1", "2026 Q2"]
    assert list(table.values()) == [{2: 5}, {1: 2}]


@pytest.fixture
def pairs(settings):
    """Two categories and two services; the repeat window is 90 days."""
    settings.HINDSIGHT_REPEAT_WINDOW = timedelta(days=90)
    return (
        Category.objects.create(name="bad deploy"),
        Category.objects.create(name="capacity"),
        Service.objects.create(name="api", team="A"),
        Service.objects.create(name="db", team="B"),
    )


def test_a_gap_of_exactly_the_window_is_a_repeat_and_a_second_more_is_not(pairs):
    deploys, _, api, _ = pairs
    start = datetime(2026, 1, 10, tzinfo=UTC)
    first = incident(start, 1, 2, 3, 4, services=[api], categories=[deploys])
    on_the_edge = incident(start + timedelta(days=90), 1, 2, 3, 4, services=[api], categories=[deploys])
    incident(start + timedelta(days=180, seconds=1), 1, 2, 3, 4, services=[api], categories=[deploys])

    [found] = metrics.repeat_incidents(Incident.objects.all())
    assert (found.incident, found.earlier, found.gap) == (on_the_edge, first, timedelta(days=90))
    assert metrics.repeat_counts(Incident.objects.all()) == (1, {})


def test_an_incident_repeating_in_two_pairs_is_listed_once_with_the_closest_earlier_one(pairs):
    deploys, capacity, api, db = pairs
    start = datetime(2026, 1, 10, tzinfo=UTC)
    incident(start, 1, 2, 3, 4, services=[api], categories=[deploys])
    closer = incident(start + timedelta(days=20), 1, 2, 3, 4, services=[db], categories=[capacity])
    both = incident(
        start + timedelta(days=30), 1, 2, 3, 4, services=[api, db], categories=[deploys, capacity]
    )

    [found] = metrics.repeat_incidents(Incident.objects.all())
    assert (found.incident, found.earlier, found.category, found.service) == (both, closer, "capacity", "db")
    assert found.gap == timedelta(days=10)
    # Counted once in the total, and once in each category it repeats in.
    total, per_category = metrics.repeat_counts(Incident.objects.all(), ["bad deploy", "capacity", "unused"])
    assert total == 1
    assert per_category == {"bad deploy": 1, "capacity": 1, "unused": 0}


def test_incidents_starting_together_pair_by_id(pairs):
    deploys, _, api, _ = pairs
    start = datetime(2026, 1, 10, tzinfo=UTC)
    first = incident(start, 1, 2, 3, 4, services=[api], categories=[deploys])
    second = incident(start, 1, 2, 3, 4, services=[api], categories=[deploys])

    [found] = metrics.repeat_incidents(Incident.objects.all())
    assert (found.incident, found.earlier, found.gap) == (second, first, timedelta(0))


def test_repeats_are_paired_within_the_given_incidents_only(pairs):
    """A filter that leaves out the closest earlier incident pairs the repeat with the one before it, if close."""
    deploys, _, api, _ = pairs
    start = datetime(2026, 1, 10, tzinfo=UTC)
    oldest = incident(start, 1, 2, 3, 4, services=[api], categories=[deploys], severity=2)
    incident(start + timedelta(days=40), 1, 2, 3, 4, services=[api], categories=[deploys], severity=1)
    latest = incident(
        start + timedelta(days=80), 1, 2, 3, 4, services=[api], categories=[deploys], severity=2
    )

    [found] = metrics.repeat_incidents(Incident.objects.filter(severity=2))
    assert (found.incident, found.earlier, found.gap) == (latest, oldest, timedelta(days=80))
    assert metrics.repeat_counts(Incident.objects.filter(severity=2))[0] == 1
    assert metrics.repeat_counts(Incident.objects.all())[0] == 2


def test_only_the_most_recent_repeats_are_loaded_newest_first(pairs):
    deploys, _, api, _ = pairs
    start = datetime(2026, 1, 10, tzinfo=UTC)
    chain = [
        incident(start + timedelta(days=day), 1, 2, 3, 4, services=[api], categories=[deploys])
        for day in range(0, 50, 10)
    ]

    shown = metrics.repeat_incidents(Incident.objects.all(), limit=3)
    assert [(repeat.incident, repeat.earlier) for repeat in shown] == [
        (chain[4], chain[3]),
        (chain[3], chain[2]),
        (chain[2], chain[1]),
    ]
    assert metrics.repeat_counts(Incident.objects.all())[0] == 4
