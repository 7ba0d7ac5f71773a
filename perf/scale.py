"""A large, realistic data set, inserted fast: plain rows, no model instances, one transaction per kind of data.

`FULL_SIZES` is the size of a large engineering organisation (scale 1.0); `--scale` multiplies it. Every row the
seeder makes is recognisable (usernames and names start with `scale-`, incidents are created by the `scale-seeder`
user), so it runs on top of demo data and running it again only tops up what is missing.

Each kind of data is one function in `SCALE_SEEDERS`, taking a `ScaleRun` and returning the rows it added.
A new app adds its models with one more function at the end of that list. The big tables are written as tuples
through `perf.bulk` (COPY on PostgreSQL, executemany on SQLite), with Markdown rendered once per distinct text;
the search index is built from rows by `perf.scale_search`.
"""

import random
import time
from datetime import timedelta
from functools import lru_cache
from itertools import islice

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from accounts.roles import EDITOR, RESPONDER, VIEWER
from documents.markdown import render_markdown
from incidents.models import Category, DetectionSource, Incident, Service, Severity, Status, TimelineEntry
from insights import freshness as insights_freshness
from notifications.services import notifications_suppressed
from perf.bulk import insert_rows, loading, reserve_ids
from perf.scale_search import index_missing

FULL_SIZES = {
    "users": 1_000,
    "services": 500,
    "categories": 40,
    "incidents": 100_000,
    "timeline_entries": 1_000_000,
    "postmortems": 50_000,
    "action_items": 250_000,
    "runbooks": 5_000,
}
# A large organisation still has only a handful of incidents open at any moment.
OPEN_INCIDENTS_AT_FULL_SCALE = 40
PREFIX = "scale-"
SEEDER_USERNAME = "scale-seeder"
BENCH_USERNAME, BENCH_PASSWORD = "scale-bench", "scale-bench-password"
INCIDENT_CHUNK = 2_000

TEAMS = [
    "Payments",
    "Identity",
    "Discovery",
    "Messaging",
    "Data Platform",
    "Platform",
    "Mobile",
    "Growth",
    "Storage",
    "Networking",
    "Observability",
    "Billing",
    "Search",
    "Fulfilment",
    "Security",
]
SERVICE_WORDS = ["api", "gateway", "worker", "db", "cache", "queue", "scheduler", "proxy", "indexer", "bff"]
CATEGORY_NAMES = [
    "bad deploy",
    "capacity",
    "dependency failure",
    "config change",
    "certificate expiry",
    "database",
    "network",
    "data corruption",
    "security",
    "dns",
    "disk full",
    "memory leak",
    "feature flag",
    "third-party outage",
    "cron job",
    "schema migration",
    "rate limiting",
    "cache stampede",
    "clock skew",
    "load balancer",
    "kubernetes",
    "queue backlog",
    "replication lag",
    "tls",
]
SYMPTOMS = [
    "elevated 5xx",
    "slow responses",
    "login failures",
    "stale data",
    "missing emails",
    "queue backlog",
    "timeouts",
    "partial outage",
    "failed payments",
    "empty search results",
    "high error budget burn",
]
TIMELINE_TEXTS = [
    "Alert fired: error rate above threshold.",
    "Paged the on-call engineer.",
    "Acknowledged; looking at dashboards.",
    "Recent deploy identified as a likely trigger.",
    "Rolled back to the previous release.",
    "Scaled the worker pool from 8 to 24.",
    "Posted an update on the status page.",
    "Error rate back under 0.1%.",
    "Decided to fail over to the secondary region.",
    "Customer support informed.",
]
SEVERITY_WEIGHTS = [(Severity.SEV1, 5), (Severity.SEV2, 15), (Severity.SEV3, 40), (Severity.SEV4, 40)]


class ScaleRun:
    """One seeding run: the scale, a seeded random generator, and the batched insert everything goes through."""

    def __init__(self, scale=1.0, batch_size=2_000, seed=2026, log=None):
        self.scale = scale
        self.batch_size = batch_size
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.log = log or (lambda message: None)
        self.timings = {}

    def target(self, kind):
        return max(1, round(FULL_SIZES[kind] * self.scale))

    def insert(self, model, rows, ignore_conflicts=False):
        """Bulk-insert an iterable of unsaved instances in batches; returns the instances (with pks where possible)."""
        created = []
        rows = iter(rows)
        while batch := list(islice(rows, self.batch_size)):
            created.extend(model.objects.bulk_create(batch, ignore_conflicts=ignore_conflicts))
        return created

    def seeder_user(self):
        user, _ = get_user_model().objects.get_or_create(
            username=SEEDER_USERNAME,
            defaults={"first_name": "Scale", "last_name": "Seeder", "is_active": False},
        )
        return user

    def people(self):
        return list(
            get_user_model()
            .objects.filter(username__startswith=PREFIX, is_active=True)
            .values_list("pk", flat=True)
        )

    def weighted_severity(self):
        return self.rng.choices([s for s, _ in SEVERITY_WEIGHTS], weights=[w for _, w in SEVERITY_WEIGHTS])[0]


def seed_people(run):
    """Users in the three roles (mostly viewers), plus a bench user who can see and edit everything."""
    User = get_user_model()
    wanted = run.target("users")
    existing = set(
        User.objects.filter(username__startswith=f"{PREFIX}user-").values_list("username", flat=True)
    )
    password = make_password("scale-password")  # hashing once: a thousand PBKDF2 runs would take minutes
    new_users = [
        User(username=f"{PREFIX}user-{i:05d}", first_name=f"Person{i}", last_name="Scale", password=password)
        for i in range(wanted)
        if f"{PREFIX}user-{i:05d}" not in existing
    ]
    run.insert(User, new_users, ignore_conflicts=True)
    roles = {name: Group.objects.get(name=name) for name in (VIEWER, RESPONDER, EDITOR)}
    members = []
    for user in User.objects.filter(username__in=[u.username for u in new_users]).only("pk", "username"):
        number = int(user.username.rsplit("-", 1)[1])
        role = EDITOR if number % 10 == 0 else RESPONDER if number % 3 == 0 else VIEWER
        members.append(User.groups.through(user_id=user.pk, group_id=roles[role].pk))
    run.insert(User.groups.through, members, ignore_conflicts=True)
    bench, created = User.objects.get_or_create(username=BENCH_USERNAME, defaults={"first_name": "Bench"})
    if created:
        bench.set_password(BENCH_PASSWORD)
        bench.save()
        bench.groups.add(roles[EDITOR])
    return len(new_users) + int(created)


def seed_services_and_categories(run):
    services = [
        Service(
            name=f"{PREFIX}{run.rng.choice(SERVICE_WORDS)}-{i:04d}",
            team=TEAMS[i % len(TEAMS)],
            tier=1 + i % 3,
            description=f"Scale service {i}.",
        )
        for i in range(run.target("services"))
    ]
    categories = [
        Category(name=f"{PREFIX}{CATEGORY_NAMES[i % len(CATEGORY_NAMES)]}-{i:03d}")
        for i in range(run.target("categories"))
    ]
    before = Service.objects.count() + Category.objects.count()
    run.insert(Service, _unseen(services, Service), ignore_conflicts=True)
    run.insert(Category, _unseen(categories, Category), ignore_conflicts=True)
    return Service.objects.count() + Category.objects.count() - before


def _unseen(objects, model):
    """Scale service names carry a random word: match on the numbered suffix so re-runs do not add twins."""
    names = model.objects.filter(name__startswith=PREFIX).values_list("name", flat=True)
    taken = {name.rsplit("-", 1)[1] for name in names}
    return [obj for obj in objects if obj.name.rsplit("-", 1)[1] not in taken]


def seed_incidents(run):
    """Incidents spread over three years with ordered timestamps, services, categories and ~10 timeline entries."""
    seeder = run.seeder_user()
    existing = Incident.objects.filter(created_by=seeder).count()
    missing = run.target("incidents") - existing
    if missing <= 0:
        return 0
    service_ids = list(Service.objects.filter(name__startswith=PREFIX).values_list("pk", flat=True))
    category_ids = list(Category.objects.filter(name__startswith=PREFIX).values_list("pk", flat=True))
    people = run.people() or [seeder.pk]
    open_wanted = max(1, round(OPEN_INCIDENTS_AT_FULL_SCALE * run.scale)) if existing == 0 else 0
    entries_per_incident = FULL_SIZES["timeline_entries"] / FULL_SIZES["incidents"]
    added = 0
    through = (Incident.services.through, Incident.categories.through)
    with loading(Incident, *through, TimelineEntry, adding=missing):
        while added < missing:
            size = min(INCIDENT_CHUNK, missing - added)
            incidents = [
                _incident(run, pk, seeder.pk, people, is_open=(added + i) < open_wanted)
                for i, pk in enumerate(reserve_ids(Incident, size))
            ]
            insert_rows(Incident, INCIDENT_FIELDS, incidents, now=run.now)
            _link_incidents(run, incidents, service_ids, category_ids)
            insert_rows(
                TimelineEntry,
                TIMELINE_FIELDS,
                (
                    entry
                    for incident in incidents
                    for entry in _timeline(run, incident, people, entries_per_incident)
                ),
                now=run.now,
            )
            added += size
            run.log(f"  incidents: {existing + added:,} / {run.target('incidents'):,}")
    return added


INCIDENT_FIELDS = (
    "id",
    "started_at",
    "title",
    "summary",
    "rendered_summary",
    "severity",
    "status",
    "detection_source",
    "customer_impact",
    "rendered_customer_impact",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "commander",
    "tech_lead",
    "scribe",
    "created_by",
)
TIMELINE_FIELDS = ("incident", "occurred_at", "kind", "text", "author")
OPEN_STATUSES = [Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING]
DETECTION_SOURCES = DetectionSource.values
TIMELINE_KINDS = TimelineEntry.Kind.values


def _incident(run, pk, seeder_id, people, is_open):
    """One incident as a row of INCIDENT_FIELDS (its id first, its start second)."""
    rng = run.rng
    if is_open:
        started = run.now - timedelta(minutes=rng.randint(10, 600))
    else:
        started = run.now - timedelta(days=rng.uniform(1, 3 * 365))
    detected = started + timedelta(minutes=rng.randint(0, 30))
    acknowledged = detected + timedelta(minutes=rng.randint(1, 45))
    mitigated = None if is_open else acknowledged + timedelta(minutes=rng.randint(5, 240))
    resolved = None if is_open else mitigated + timedelta(minutes=rng.randint(5, 600))
    symptom = rng.choice(SYMPTOMS)
    summary = f"Users saw {symptom}. Mitigated by rolling back; see the timeline."
    impact = f"Some customers saw {symptom}."
    return (
        pk,
        started,
        f"{symptom.capitalize()} on {rng.choice(SERVICE_WORDS)} ({started:%Y-%m-%d})",
        summary,
        rendered(summary),
        run.weighted_severity(),
        rng.choice(OPEN_STATUSES) if is_open else Status.RESOLVED,
        rng.choices(DETECTION_SOURCES, weights=[60, 15, 15, 8, 2, 0])[0],
        impact,
        rendered(impact),
        detected,
        acknowledged,
        mitigated,
        resolved,
        rng.choice(people),
        rng.choice(people),
        rng.choice(people),
        seeder_id,
    )


def _link_incidents(run, incidents, service_ids, category_ids):
    rng = run.rng
    service_links, category_links = [], []
    for incident in incidents:
        pk = incident[0]
        for service_id in rng.sample(service_ids, k=min(len(service_ids), rng.randint(1, 3))):
            service_links.append((pk, service_id))
        for category_id in rng.sample(category_ids, k=min(len(category_ids), rng.randint(0, 2))):
            category_links.append((pk, category_id))
    insert_rows(Incident.services.through, ("incident", "service"), service_links)
    insert_rows(Incident.categories.through, ("incident", "category"), category_links)


def _timeline(run, incident, people, average):
    """About `average` entries, three minutes apart from the incident's start (rows of TIMELINE_FIELDS)."""
    rng = run.rng
    pk, started = incident[0], incident[1]
    count = rng.randint(int(average * 0.5), int(average * 1.5))
    for minute in range(count):
        yield (
            pk,
            started + timedelta(minutes=3 * minute),
            rng.choice(TIMELINE_KINDS),
            rng.choice(TIMELINE_TEXTS),
            rng.choice(people),
        )


POSTMORTEM_BODY = """## Summary
{symptom} on a customer-facing service until the rollback finished.

## Impact
Some customers saw {symptom}; no data was lost.

## Timeline
See the incident's timeline.

## Contributing factors
- A configuration change was not covered by the canary checks.
- The alert on saturation fired late because its threshold was tuned for last year's traffic.

## What went well
- Rollback took under five minutes.

## What went badly
- The runbook's escalation contacts were out of date.

## Where we got lucky
- The problem started outside peak hours.
"""
RUNBOOK_BODY = """## Service overview
Purpose, dependencies and impact when it fails.

## Key metrics and dashboards
- Error rate, latency p95, saturation.

## Common issues
### Elevated errors
Check the last deploy; roll back if it is the cause.

## Emergency procedures
1. Roll back. 2. Scale out. 3. Fail over.

## Escalation contacts
The owning team's on-call rotation.
"""


def seed_postmortems(run):
    """Postmortems for resolved scale incidents (newest first), each with its first revision."""
    Postmortem = apps.get_model("postmortems", "Postmortem")
    Revision = apps.get_model("documents", "Revision")
    content_type_id = ContentType.objects.get_for_model(Postmortem).pk
    seeder = run.seeder_user()
    existing = Postmortem.objects.filter(created_by=seeder).count()
    missing = run.target("postmortems") - existing
    if missing <= 0:
        return 0
    people = run.people() or [seeder.pk]
    candidates = (
        Incident.objects.filter(created_by=seeder, status=Status.RESOLVED, postmortem__isnull=True)
        .order_by("-started_at")
        .values_list("pk", "title", "resolved_at")[:missing]
    )
    added = 0
    with loading(Postmortem, Revision, Postmortem.authors.through, adding=missing):
        for chunk in _chunks(list(candidates), INCIDENT_CHUNK):
            ids = reserve_ids(Postmortem, len(chunk))
            postmortems = [
                _postmortem(run, pk, incident, seeder.pk, people)
                for pk, incident in zip(ids, chunk, strict=True)
            ]
            insert_rows(Postmortem, POSTMORTEM_FIELDS, postmortems, now=run.now)
            insert_rows(
                Revision,
                ("content_type", "object_id", "number", "title", "body", "author"),
                (
                    (content_type_id, pk, 1, title, body, author)
                    for pk, _, title, body, *_, author in postmortems
                ),
                now=run.now,
            )
            insert_rows(
                Postmortem.authors.through,
                ("postmortem", "user"),
                ((pm[0], pm[-1]) for pm in postmortems),
            )
            added += len(chunk)
    return added


POSTMORTEM_FIELDS = (
    "id",
    "incident",
    "title",
    "body",
    "rendered_body",
    "version",
    "status",
    "published_at",
    "created_at",
    "created_by",
    "updated_by",
)


def _postmortem(run, pk, incident, seeder_id, people):
    """One postmortem as a row of POSTMORTEM_FIELDS."""
    incident_id, title, resolved_at = incident
    # A handful of distinct bodies, so each is rendered to HTML once (see `rendered`).
    body = POSTMORTEM_BODY.format(symptom=title.split(" on ")[0])
    created = resolved_at + timedelta(hours=run.rng.randint(2, 96))
    published = run.rng.random() < 0.8
    return (
        pk,
        incident_id,
        f"Postmortem: {title}",
        body,
        rendered(body),
        1,
        "published" if published else run.rng.choice(["draft", "in_review"]),
        created + timedelta(days=2) if published else None,
        created,
        seeder_id,
        run.rng.choice(people),
    )


ACTION_TITLES = [
    "Add an alert on connection-pool saturation",
    "Canary the config change path",
    "Update the runbook's escalation contacts",
    "Load-test the checkout path at 3x",
    "Automate certificate renewal",
    "Add a dashboard for queue depth",
    "Document the failover drill",
]


def seed_action_items(run):
    """About five action items per scale postmortem: mostly done, some open or overdue, some unowned."""
    ActionItem = apps.get_model("postmortems", "ActionItem")
    Postmortem = apps.get_model("postmortems", "Postmortem")
    seeder = run.seeder_user()
    existing = ActionItem.objects.filter(created_by=seeder).count()
    missing = run.target("action_items") - existing
    if missing <= 0:
        return 0
    people = run.people() or [seeder.pk]
    postmortems = list(Postmortem.objects.filter(created_by=seeder).values_list("pk", "created_at"))
    if not postmortems:
        return 0
    statuses = ActionItem.Status.values
    kinds, priorities = ActionItem.Kind.values, ActionItem.Priority.values
    rows = (
        _action_item(run, postmortems[i % len(postmortems)], seeder.pk, people, statuses, kinds, priorities)
        for i in range(missing)
    )
    with loading(ActionItem, adding=missing):
        return insert_rows(ActionItem, ACTION_ITEM_FIELDS, rows, now=run.now)


ACTION_ITEM_FIELDS = (
    "postmortem",
    "title",
    "kind",
    "priority",
    "owner",
    "team",
    "due_date",
    "status",
    "wont_do_reason",
    "completed_at",
    "created_at",
    "created_by",
)


def _action_item(run, postmortem, seeder_id, people, statuses, kinds, priorities):
    """One action item as a row of ACTION_ITEM_FIELDS."""
    rng = run.rng
    postmortem_id, created = postmortem
    due = (created + timedelta(days=rng.randint(7, 60))).date()
    status = rng.choices(statuses, weights=[15, 10, 70, 5])[0]
    return (
        postmortem_id,
        rng.choice(ACTION_TITLES),
        rng.choice(kinds),
        rng.choice(priorities),
        None if rng.random() < 0.1 else rng.choice(people),
        rng.choice(TEAMS),
        due,
        status,
        "Superseded by the platform migration." if status == "wont_do" else "",
        created + timedelta(days=rng.randint(1, 60)) if status == "done" else None,
        created,
        seeder_id,
    )


def seed_runbooks(run):
    Runbook = apps.get_model("runbooks", "Runbook")
    Tag = apps.get_model("runbooks", "Tag")
    Revision = apps.get_model("documents", "Revision")
    run.insert(Tag, (Tag(name=f"{PREFIX}tag-{i:02d}") for i in range(30)), ignore_conflicts=True)
    tag_ids = list(Tag.objects.filter(name__startswith=PREFIX).values_list("pk", flat=True))
    service_ids = list(Service.objects.filter(name__startswith=PREFIX).values_list("pk", flat=True))
    taken = set(Runbook.objects.filter(slug__startswith=PREFIX).values_list("slug", flat=True))
    people = run.people() or [run.seeder_user().pk]
    slugs = [
        (i, slug) for i in range(run.target("runbooks")) if (slug := f"{PREFIX}runbook-{i:05d}") not in taken
    ]
    content_type_id = ContentType.objects.get_for_model(Runbook).pk
    with transaction.atomic():
        runbooks = [
            _runbook(run, pk, i, slug, people)
            for pk, (i, slug) in zip(reserve_ids(Runbook, len(slugs)), slugs, strict=True)
        ]
        insert_rows(Runbook, RUNBOOK_FIELDS, runbooks, now=run.now)
        insert_rows(
            Revision,
            ("content_type", "object_id", "number", "title", "body", "author"),
            ((content_type_id, pk, 1, title, body, author) for pk, title, _, body, *_, author in runbooks),
            now=run.now,
        )
        insert_rows(
            Runbook.services.through,
            ("runbook", "service"),
            (
                (runbook[0], service_id)
                for runbook in runbooks
                for service_id in run.rng.sample(service_ids, k=min(2, len(service_ids)))
            ),
        )
        insert_rows(
            Runbook.tags.through,
            ("runbook", "tag"),
            (
                (runbook[0], tag_id)
                for runbook in runbooks
                for tag_id in run.rng.sample(tag_ids, k=min(2, len(tag_ids)))
            ),
        )
    return len(runbooks)


RUNBOOK_FIELDS = (
    "id",
    "title",
    "slug",
    "body",
    "rendered_body",
    "version",
    "owner_team",
    "last_reviewed_at",
    "last_reviewed_by",
    "updated_by",
)


def _runbook(run, pk, i, slug, people):
    """One runbook as a row of RUNBOOK_FIELDS."""
    return (
        pk,
        f"{TEAMS[i % len(TEAMS)]} runbook {i}: {run.rng.choice(SYMPTOMS)}",
        slug,
        RUNBOOK_BODY,
        rendered(RUNBOOK_BODY),
        1,
        TEAMS[i % len(TEAMS)],
        run.now - timedelta(days=run.rng.randint(0, 400)),
        run.rng.choice(people),
        run.rng.choice(people),
    )


def seed_search_index(run):
    """Bulk inserts skip the signals that keep the search index: index what is missing, in bulk."""
    return index_missing(log=run.log)


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


@lru_cache(maxsize=256)
def rendered(markdown_text):
    """Bulk inserts skip save(): fill the cached HTML ourselves, rendering each distinct body once."""
    return render_markdown(markdown_text)


SCALE_SEEDERS = [
    ("people", seed_people),
    ("services and categories", seed_services_and_categories),
    ("incidents and timelines", seed_incidents),
    ("postmortems", seed_postmortems),
    ("action items", seed_action_items),
    ("runbooks", seed_runbooks),
    ("search index", seed_search_index),
]


def seed_report_path(scale):
    """Where `manage.py seed_scale` records its times per table, and `manage.py bench --no-seed` reads them."""
    return settings.BASE_DIR / "perf" / "results" / f"seed-{connection.vendor}-scale{scale:g}.json"


def seed_scale(scale=1.0, log=print, batch_size=2_000):
    """Run every seeder; returns {name: (rows added, seconds)}."""
    run = ScaleRun(scale=scale, batch_size=batch_size, log=log)
    report = {}
    with notifications_suppressed():  # seeded history tells nobody
        for name, seeder in SCALE_SEEDERS:
            started = time.perf_counter()
            added = seeder(run)
            report[name] = (added, time.perf_counter() - started)
            log(f"{name}: {added:,} new row(s) in {report[name][1]:.1f} s")
    insights_freshness.bump()  # bulk inserts send no signals
    return report
