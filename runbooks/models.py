"""Runbooks: the procedures on-call engineers follow, with their review cycle and how well they served incidents.

Runbook text is a `documents.VersionedDocument`: every save is a revision, edits are conflict-safe, history,
diff and restore are shared with postmortems.
"""

from datetime import UTC, datetime, timedelta
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from documents.models import VersionedDocument

DEFAULT_REVIEW_INTERVAL_DAYS = 90
# Never reviewed sorts as reviewed at the dawn of time (the least recently reviewed, on every database): a non-NULL
# key a keyset walk can seek on, served by the index runbook_reviewed_order.
LAST_REVIEWED = Coalesce("last_reviewed_at", Value(datetime.min.replace(tzinfo=UTC)))
RESERVED_SLUGS = {"new", "usage"}  # path segments of the runbooks app's own pages


class Tag(models.Model):
    """A short lower-case label such as `postgres` or `tls`; runbooks are filtered by it."""

    name = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = [Lower("name"), "name"]

    def __str__(self):
        return self.name


class AddDays(models.Func):
    """`datetime + n days` where n is a column; NULL when the datetime is NULL."""

    output_field = models.DateTimeField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        when, days = self.source_expressions
        return compiler.compile(
            ExpressionWrapper(
                when + ExpressionWrapper(days * timedelta(days=1), output_field=models.DurationField()),
                output_field=models.DateTimeField(),
            )
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite stores datetimes as ISO text; keep the microseconds so comparisons stay exact.
        when, days = self.source_expressions
        when_sql, when_params = compiler.compile(when)
        days_sql, days_params = compiler.compile(days)
        sql = f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', {when_sql}, '+' || {days_sql} || ' days')"
        return sql, (*when_params, *days_params)


class RunbookQuerySet(models.QuerySet["Runbook"]):
    def visible_to(self, user: Any) -> Self:
        """Runbooks are never restricted (the incidents that used one may be: see RunbookUsage)."""
        return self

    def with_review_due_at(self) -> Self:
        """Annotate `review_due_at` = last review + interval (NULL when never reviewed), computed by the database."""
        return self.annotate(review_due_at=AddDays(F("last_reviewed_at"), F("review_interval_days")))

    def due_for_review(self, now: datetime | None = None) -> Self:
        """Never reviewed, or the last review is older than the runbook's own review interval."""
        now = now or timezone.now()
        return self.with_review_due_at().filter(Q(last_reviewed_at__isnull=True) | Q(review_due_at__lte=now))

    def needs_update(self) -> Self:
        """A "didn't help" report on an incident arrived after the runbook was last reviewed (or it never was)."""
        return self.filter(Exists(_unhelpful_usages_since_review()))

    def with_review_state(self, now: datetime | None = None) -> Self:
        """Annotate `is_due_for_review` and `is_flagged_needs_update` for lists, in the same query."""
        now = now or timezone.now()
        return self.with_review_due_at().annotate(
            is_due_for_review=ExpressionWrapper(
                Q(last_reviewed_at__isnull=True) | Q(review_due_at__lte=now),
                output_field=models.BooleanField(),
            ),
            is_flagged_needs_update=Exists(_unhelpful_usages_since_review()),
        )


def _unhelpful_usages_since_review():
    return RunbookUsage.objects.filter(
        runbook=OuterRef("pk"), outcome=RunbookUsage.Outcome.DIDNT_HELP
    ).filter(Q(recorded_at__gt=OuterRef("last_reviewed_at")) | Q(runbook__last_reviewed_at__isnull=True))


class Runbook(VersionedDocument):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in the runbook's address.")
    services = models.ManyToManyField("incidents.Service", related_name="runbooks", blank=True)
    tags = models.ManyToManyField(Tag, related_name="runbooks", blank=True)
    owner_team = models.CharField("owner team", max_length=100, blank=True, db_index=True)
    last_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    review_interval_days = models.PositiveIntegerField(
        "review every (days)",
        default=DEFAULT_REVIEW_INTERVAL_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RunbookQuerySet.as_manager()

    class Meta:
        ordering = [Lower("title"), "id"]
        indexes = [
            models.Index(Lower("title"), "id", name="runbook_title_lower"),
            models.Index(fields=["last_reviewed_at"], name="runbook_last_reviewed"),
            models.Index(LAST_REVIEWED, "id", name="runbook_reviewed_order"),  # the "reviewed" sorts
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("runbooks:detail", args=[self.slug])

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug_for(self.title, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def mark_reviewed(self, user, now=None):
        self.last_reviewed_at = now or timezone.now()
        self.last_reviewed_by = user
        Runbook.objects.filter(pk=self.pk).update(
            last_reviewed_at=self.last_reviewed_at, last_reviewed_by=user
        )

    @property
    def review_due_on(self):
        if self.last_reviewed_at is None:
            return None
        return self.last_reviewed_at + timedelta(days=self.review_interval_days)


def unique_slug_for(title, exclude_pk=None):
    base = slugify(title)[:180] or "runbook"
    slug, n = base, 1
    taken = Runbook.objects.exclude(pk=exclude_pk)
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class RunbookUsage(models.Model):
    """How a runbook served during an incident, or — outcome "missing" — a runbook we needed and did not have."""

    class Outcome(models.TextChoices):
        HELPED = "helped", "Helped"
        PARTLY = "partly", "Partly helped"
        DIDNT_HELP = "didnt_help", "Didn't help"
        MISSING = "missing", "Missing (no runbook existed)"

    incident = models.ForeignKey("incidents.Incident", models.CASCADE, related_name="runbook_usages")
    runbook = models.ForeignKey(Runbook, models.CASCADE, related_name="usages", null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "runbook"],
                condition=Q(runbook__isnull=False),
                name="one_usage_per_incident_runbook",
            ),
            models.CheckConstraint(
                condition=(Q(outcome="missing") & Q(runbook__isnull=True) & ~Q(note=""))
                | (~Q(outcome="missing") & Q(runbook__isnull=False)),
                name="usage_missing_has_note_and_no_runbook",
            ),
        ]
        indexes = [models.Index(fields=["runbook", "outcome", "recorded_at"], name="usage_runbook_outcome")]

    def __str__(self):
        return f"{self.runbook or 'Missing runbook'} on INC-{self.incident_id}: {self.get_outcome_display()}"

    def clean(self):
        if self.outcome == self.Outcome.MISSING:
            if self.runbook_id:
                raise ValidationError(
                    {"runbook": "“Missing” means no runbook existed: leave the runbook empty."}
                )
            if not self.note.strip():
                raise ValidationError({"note": "Say what runbook you needed."})
        elif self.outcome and not self.runbook_id:
            raise ValidationError({"runbook": "Choose the runbook you used."})
