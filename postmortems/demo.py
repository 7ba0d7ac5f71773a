"""Demo data for postmortems: most resolved incidents get one (published, in review, draft — some overdue),
with about 150 action items in a realistic mix of unowned, overdue, in progress, done and dropped.

Deterministic (an RNG seeded per incident, dates relative to the incidents) and idempotent (keyed on the incident and on
each action item's title within its postmortem).
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone

from incidents.demo import PEOPLE
from incidents.models import Incident, TimelineEntry

from .drafting import initial_body
from .models import ActionItem, Postmortem
from .selectors import default_team

# (kind, title template): {service} is the incident's first service.
ACTION_TEMPLATES = [
    ("detect", "Alert on {service} error rate above 2% for 5 minutes"),
    ("detect", "Add a synthetic check for the {service} critical path"),
    ("detect", "Page on saturation, not only on errors, for {service}"),
    ("prevent", "Add a pre-deploy check for {service} configuration values"),
    ("prevent", "Canary {service} releases to 5% of traffic before full rollout"),
    ("prevent", "Load-test {service} at twice last peak before the next sale"),
    ("prevent", "Automate certificate renewal and alert 21 days before expiry"),
    ("mitigate", "One-command rollback for {service}"),
    ("mitigate", "Feature flag to shed non-essential {service} traffic"),
    ("mitigate", "Document and rehearse the {service} failover"),
    ("process", "Make the incident commander hand-off explicit in the checklist"),
    ("process", "Add a second reviewer for {service} infrastructure changes"),
    ("process", "Post the first status update within 15 minutes"),
    ("documentation", "Update the {service} runbook with today's diagnosis steps"),
    ("documentation", "Record dashboards used during the incident in the {service} runbook"),
]

WENT_WELL = [
    "The alert fired within minutes and paged the right team.",
    "Rollback was quick and well rehearsed.",
    "Status updates went out on cadence.",
    "Support flagged the pattern early and escalated clearly.",
]
WENT_BADLY = [
    "The dashboard we needed was not linked from the alert.",
    "Two changes shipped at once, slowing diagnosis.",
    "The runbook described the old architecture.",
    "Ownership of the dependency was unclear.",
]
LUCKY = [
    "It happened during business hours with everyone online.",
    "Traffic was at a weekly low.",
    "A teammate had seen the same error the week before.",
]
FACTORS = [
    "The deploy pipeline did not validate the configuration value that changed.",
    "Capacity limits were set years ago and never revisited.",
    "The alert threshold was too high to catch a partial failure.",
    "The retry path had no idempotency guarantee.",
]


def write_up(incident, rng):
    body = initial_body(incident)
    filled = {
        "## Contributing factors\n": rng.sample(FACTORS, 2),
        "## What went well\n": rng.sample(WENT_WELL, 2),
        "## What went badly\n": rng.sample(WENT_BADLY, 2),
        "## Where we got lucky\n": rng.sample(LUCKY, 1),
    }
    for heading, lines in filled.items():
        start = body.index(heading) + len(heading)
        end = body.find("\n## ", start)
        body = body[:start] + "\n" + "\n".join(f"- {line}" for line in lines) + "\n" + body[end:]
    return body


def seed():
    now = timezone.now()
    usernames = [username for username, _, _ in PEOPLE]
    users = list(get_user_model().objects.filter(username__in=usernames).order_by("username"))
    if not users:
        return 0
    incidents = (
        Incident.objects.resolved()
        .order_by("started_at", "id")
        .prefetch_related(
            "services", Prefetch("timeline", queryset=TimelineEntry.objects.order_by("occurred_at"))
        )
    )
    created = 0
    for index, incident in enumerate(incidents):
        if index % 6 == 5:  # leave some without a postmortem: the dashboard shows them
            continue
        postmortem = Postmortem.objects.filter(incident=incident).first()
        if postmortem is None:
            postmortem = create_postmortem(
                incident, index, random.Random(f"postmortem:{incident.title}"), users, now
            )
            created += 1
        # Seeded per incident, so a re-run draws the same items and finds them already there.
        created += seed_action_items(
            postmortem, incident, index, random.Random(f"items:{incident.title}"), users, now
        )
    return created


def create_postmortem(incident, index, rng, users, now):
    author = users[index % len(users)]
    recent = incident.resolved_at > now - timedelta(hours=48)
    status = (
        Postmortem.Status.DRAFT
        if recent
        else [
            Postmortem.Status.PUBLISHED,
            Postmortem.Status.PUBLISHED,
            Postmortem.Status.DRAFT,
            Postmortem.Status.PUBLISHED,
            Postmortem.Status.IN_REVIEW,
            Postmortem.Status.PUBLISHED,
        ][index % 6]
    )
    postmortem = Postmortem(
        incident=incident,
        title=incident.title,
        body=write_up(incident, rng),
        created_by=author,
        created_at=min(incident.resolved_at + timedelta(hours=rng.randint(2, 30)), now),
    )
    postmortem.save_revision(author, note="Started from the section template")
    postmortem.authors.set([author, users[(index + 3) % len(users)]])
    postmortem.reviewers.set([users[(index + 5) % len(users)]])
    if status == Postmortem.Status.PUBLISHED:
        postmortem.publish(
            users[(index + 5) % len(users)],
            now=min(incident.resolved_at + timedelta(hours=rng.randint(20, 120)), now),
        )
    elif status == Postmortem.Status.IN_REVIEW:
        postmortem.submit_for_review()
        seed_review(postmortem, reviewer=users[(index + 5) % len(users)])
    return postmortem


def seed_review(postmortem, reviewer):
    """A reviewer's question on the first section and a reply, so the review panel shows a real thread."""
    from reviews.models import ReviewComment

    if ReviewComment.objects.filter(postmortem=postmortem).exists():
        return
    thread = ReviewComment.objects.create(
        postmortem=postmortem,
        author=reviewer,
        section="Summary",
        body="Could we say how many customers saw errors, not just for how long?",
    )
    ReviewComment.objects.create(
        postmortem=postmortem, parent=thread, author=postmortem.created_by, body="Good point — adding it."
    )


def seed_action_items(postmortem, incident, index, rng, users, now):
    service = next(iter(incident.services.all()), None)
    service_name = service.name if service else "the service"
    existing = set(postmortem.action_items.values_list("title", flat=True))
    created = 0
    picks = rng.sample(ACTION_TEMPLATES, 4 + index % 3)
    today = timezone.localdate()
    for number, (kind, template) in enumerate(picks):
        title = template.format(service=service_name)
        if title in existing:
            continue
        opened = postmortem.created_at
        due = (opened + timedelta(days=rng.choice([7, 14, 21, 30, 45]))).date()
        roll = rng.random()
        owner = None if roll < 0.1 else users[(index + number) % len(users)]
        item = ActionItem(
            postmortem=postmortem,
            title=title,
            kind=kind,
            priority=rng.choice([1, 2, 2, 3, 3, 3, 4]),
            owner=owner,
            due_date=due,
            created_at=opened,
            created_by=postmortem.created_by,
        )
        if due < today and roll > 0.35:
            finished = opened + timedelta(days=rng.randint(3, 50))
            if roll > 0.92:
                item.status, item.wont_do_reason = (
                    ActionItem.Status.WONT_DO,
                    "Superseded by the platform migration.",
                )
            else:
                item.status = ActionItem.Status.DONE
            item.completed_at = min(finished, now)
        else:
            if roll > 0.15 and due < today:  # rescheduled at a review: most open items are not yet late
                item.due_date = today + timedelta(days=rng.randint(-3, 25))
            if owner and roll > 0.6:
                item.status = ActionItem.Status.IN_PROGRESS
        item.team = default_team(postmortem)
        item.save()
        created += 1
    return created
