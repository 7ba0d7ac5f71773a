"""A large, realistic data set, inserted fast: bulk inserts in batches, one transaction per chunk.

`FULL_SIZES` is the size of a large engineering organisation (scale 1.0); `--scale` multiplies it. Every row the
seeder makes is recognisable (usernames and names start with `scale-`, incidents are created by the `scale-seeder`
user), so it runs on top of demo data and running it again only tops up what is missing.

Each kind of data is one function in `SCALE_SEEDERS`, taking a `ScaleRun` and returning the rows it added.
A new app adds its models with one more function at the end of that list.
"""

import random
import time
from datetime import timedelta
from functools import lru_cache
from itertools import islice

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.roles import EDITOR, RESPONDER, VIEWER
from documents.markdown import render_markdown
from incidents.models import Category, DetectionSource, Incident, Service, Severity, Status, TimelineEntry

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

TEAMS = ["Payments", "Identity", "Discovery", "Messaging", "Data Platform", "Platform", "Mobile", "Growth",
         "Storage", "Networking", "Observability", "Billing", "Search", "Fulfilment", "Security"]
SERVICE_WORDS = ["api", "gateway", "worker", "db", "cache", "queue", "scheduler", "proxy", "indexer", "bff"]
CATEGORY_NAMES = ["bad deploy", "capacity", "dependency failure", "config change", "certificate expiry", "database",
                  "network", "data corruption", "security", "dns", "disk full", "memory leak", "feature flag",
                  "third-party outage", "cron job", "schema migration", "rate limiting", "cache stampede",
                  "clock skew", "load balancer", "kubernetes", "queue backlog", "replication lag", "tls"]
SYMPTOMS = ["elevated 5xx", "slow responses", "login failures", "stale data", "missing emails", "queue backlog",
            "timeouts", "partial outage", "failed payments", "empty search results", "high error budget burn"]
TIMELINE_TEXTS = [
    "Alert fired: error rate above threshold.", "Paged the on-call engineer.", "Acknowledged; looking at dashboards.",
    "Recent deploy identified as a likely trigger.", "Rolled back to the previous release.",
    "Scaled the worker pool from 8 to 24.", "Posted an update on the status page.",
    "Error rate back under 0.1%.", "Decided to fail over to the secondary region.", "Customer support informed.",
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
            username=SEEDER_USERNAME, defaults={"first_name": "Scale", "last_name": "Seeder", "is_active": False}
        )
        return user

    def people(self):
        return list(get_user_model().objects.filter(username__startswith=PREFIX, is_active=True)
                    .values_list("pk", flat=True))

    def weighted_severity(self):
        return self.rng.choices([s for s, _ in SEVERITY_WEIGHTS], weights=[w for _, w in SEVERITY_WEIGHTS])[0]


def seed_people(run):
    """Users in the three roles (mostly viewers), plus a bench user who can see and edit everything."""
    User = get_user_model()
    wanted = run.target("users")
    existing = set(User.objects.filter(username__startswith=f"{PREFIX}user-").values_list("username", flat=True))
    password = make_password("scale-password")  # hashing once: a thousand PBKDF2 runs would take minutes
    new_users = [
        User(username=f"{PREFIX}user-{i:05d}", first_name=f"Person{i}", last_name="Scale", password=password)
        for i in range(wanted) if f"{PREFIX}user-{i:05d}" not in existing
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
        Service(name=f"{PREFIX}{run.rng.choice(SERVICE_WORDS)}-{i:04d}", team=TEAMS[i % len(TEAMS)],
                tier=1 + i % 3, description=f"Scale service {i}.")
        for i in range(run.target("services"))
    ]
    categories = [Category(name=f"{PREFIX}{CATEGORY_NAMES[i % len(CATEGORY_NAMES)]}-{i:03d}")
                  for i in range(run.target("categories"))]
    before = Service.objects.count() + Category.objects.count()
    run.insert(Service, _unseen(services, Service), ignore_conflicts=True)
    run.insert(Category, _unseen(categories, Category), ignore_conflicts=True)
    return Service.objects.count() + Category.objects.count() - before


def _unseen(objects, model):
    """Scale service names carry a random word: match on the numbered suffix so re-runs do not add twins."""
    taken = {name.rsplit("-", 1)[1] for name in model.objects.filter(name__startswith=PREFIX).values_list("name", flat=True)}
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
    while added < missing:
        size = min(INCIDENT_CHUNK, missing - added)
        with transaction.atomic():
            incidents = [_incident(run, seeder, people, is_open=(added + i) < open_wanted) for i in range(size)]
            incidents = run.insert(Incident, incidents)
            _link_incidents(run, incidents, service_ids, category_ids)
            run.insert(TimelineEntry, (entry for incident in incidents
                                       for entry in _timeline(run, incident, people, entries_per_incident)))
        added += size
        run.log(f"  incidents: {existing + added:,} / {run.target('incidents'):,}")
    return added


def _incident(run, seeder, people, is_open):
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
    return Incident(
        title=f"{symptom.capitalize()} on {rng.choice(SERVICE_WORDS)} ({started:%Y-%m-%d})",
        summary=f"Users saw {symptom}. Mitigated by rolling back; see the timeline.",
        severity=run.weighted_severity(),
        status=rng.choice([Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING]) if is_open else Status.RESOLVED,
        detection_source=rng.choices(DetectionSource.values, weights=[60, 15, 15, 8, 2])[0],
        customer_impact=f"Some customers saw {symptom}.",
        started_at=started, detected_at=detected, acknowledged_at=acknowledged,
        mitigated_at=mitigated, resolved_at=resolved,
        commander_id=rng.choice(people), tech_lead_id=rng.choice(people), scribe_id=rng.choice(people),
        created_by=seeder,
    )


def _link_incidents(run, incidents, service_ids, category_ids):
    rng = run.rng
    service_links, category_links = [], []
    for incident in incidents:
        for service_id in rng.sample(service_ids, k=min(len(service_ids), rng.randint(1, 3))):
            service_links.append(Incident.services.through(incident_id=incident.pk, service_id=service_id))
        for category_id in rng.sample(category_ids, k=min(len(category_ids), rng.randint(0, 2))):
            category_links.append(Incident.categories.through(incident_id=incident.pk, category_id=category_id))
    run.insert(Incident.services.through, service_links)
    run.insert(Incident.categories.through, category_links)


def _timeline(run, incident, people, average):
    rng = run.rng
    count = rng.randint(int(average * 0.5), int(average * 1.5))
    for minute in range(count):
        yield TimelineEntry(
            incident_id=incident.pk, occurred_at=incident.started_at + timedelta(minutes=3 * minute),
            kind=rng.choice(TimelineEntry.Kind.values), text=rng.choice(TIMELINE_TEXTS), author_id=rng.choice(people),
        )


@lru_cache(maxsize=256)
def rendered(markdown_text):
    """Bulk inserts skip save(): fill the cached HTML ourselves, rendering each distinct body once."""
    return render_markdown(markdown_text)


def model_available(label):
    """Models from apps still being built: seed them once they exist."""
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


SCALE_SEEDERS = [
    ("people", seed_people),
    ("services and categories", seed_services_and_categories),
    ("incidents and timelines", seed_incidents),
]


def seed_scale(scale=1.0, log=print, batch_size=2_000):
    """Run every seeder; returns {name: (rows added, seconds)}."""
    run = ScaleRun(scale=scale, batch_size=batch_size, log=log)
    report = {}
    for name, seeder in SCALE_SEEDERS:
        started = time.perf_counter()
        added = seeder(run)
        report[name] = (added, time.perf_counter() - started)
        log(f"{name}: {added:,} new row(s) in {report[name][1]:.1f} s")
    return report
