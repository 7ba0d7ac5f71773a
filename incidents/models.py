from datetime import datetime, timedelta
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    BooleanField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from core.dates import validate_in_date_window
from core.limits import MAX_ENTRY_LENGTH, MAX_SUMMARY_LENGTH, text_limit
from documents.markdown import render_markdown


class Severity(models.IntegerChoices):
    SEV1 = 1, "SEV-1"
    SEV2 = 2, "SEV-2"
    SEV3 = 3, "SEV-3"
    SEV4 = 4, "SEV-4"
    # History imported without a severity: shown as SEV-?, has no response target or update cadence, and
    # sorts after SEV-4 (an explicit value rather than NULL, so filters, ordering and indexes stay simple).
    UNKNOWN = 9, "SEV-?"


SEVERITY_DESCRIPTIONS = {
    Severity.SEV1: "Critical business impact: complete outage or data loss",
    Severity.SEV2: "Major functionality impaired",
    Severity.SEV3: "Minor functionality impaired",
    Severity.SEV4: "Minimal or cosmetic impact",
}


class Status(models.TextChoices):
    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"


class Kind(models.TextChoices):
    """Practice is recorded like the real thing and kept out of the real figures unless asked for."""

    REAL = "real", "Real"
    DRILL = "drill", "Drill"
    GAME_DAY = "game_day", "Game day"
    TABLETOP = "tabletop", "Tabletop exercise"


OPEN_STATUSES = [Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING]


class DetectionSource(models.TextChoices):
    ALERT = "alert", "Automated alert"
    CUSTOMER_REPORT = "customer_report", "Customer report"
    INTERNAL = "internal", "Internal report (staff)"
    SYNTHETIC = "synthetic", "Synthetic check"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"  # imported history that never recorded how it was detected


class Service(models.Model):
    class Tier(models.IntegerChoices):
        TIER1 = 1, "Tier 1 (critical)"
        TIER2 = 2, "Tier 2"
        TIER3 = 3, "Tier 3"

    name = models.CharField(max_length=100, unique=True)
    team = models.CharField("owning team", max_length=100, db_index=True)
    description = models.TextField(blank=True, **text_limit(MAX_ENTRY_LENGTH))
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.TIER2)

    class Meta:
        ordering = [Lower("name"), "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("services:detail", args=[self.pk])


class ServiceAlias(models.Model):
    """Another name alerts use for a service (a Prometheus job, an app or namespace label), matched case-blind."""

    service = models.ForeignKey(Service, models.CASCADE, related_name="aliases")
    name = models.CharField(
        max_length=200, unique=True, help_text="Stored lower-case; matched case-insensitively."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "service aliases"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = self.name.strip().lower()
        super().save(*args, **kwargs)


class CategoryQuerySet(models.QuerySet["Category"]):
    def recurring(self, incidents: "models.QuerySet[Incident]", minimum: int = 2) -> Self:
        """Categories of at least `minimum` of `incidents` (a queryset), each with that count as `n`, most first:
        the same kind of failure coming back."""
        return (
            self.filter(incidents__in=incidents.values("pk"))
            .annotate(n=models.Count("incidents", distinct=True))
            .filter(n__gte=minimum)
            .order_by("-n", Lower("name"))
        )


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True, **text_limit(MAX_ENTRY_LENGTH))

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = [Lower("name"), "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """Its incidents: the incident list filtered to it."""
        return f"{reverse('incidents:list')}?category={self.pk}"


def _elapsed(end, start):
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _security_member(user):
    """An uncorrelated EXISTS: is `user` in the security group (settings.HINDSIGHT_SECURITY_GROUP)? Evaluated inside
    the query that uses it, so checking costs no query of its own."""
    from django.contrib.auth import get_user_model

    memberships = get_user_model().groups.through.objects.filter(
        **{get_user_model().groups.field.m2m_field_name(): user.pk},
        group__name=settings.HINDSIGHT_SECURITY_GROUP,
    )
    return Exists(memberships)


def insider_incidents(user):
    """The restricted incidents `user` holds a role in or was added to (a subquery of ids)."""
    on_it = (
        Q(commander=user)
        | Q(tech_lead=user)
        | Q(comms_lead=user)
        | Q(scribe=user)
        | Q(pk__in=Incident.smes.through.objects.filter(user=user).values("incident_id"))
        | Q(pk__in=Incident.people.through.objects.filter(user=user).values("incident_id"))
    )
    return Incident.objects.filter(restricted=True).filter(on_it).values("pk")


def visible_q(user, path=""):
    """A Q for rows (incidents, or anything reaching one through `path`, e.g. "postmortem__incident__") that
    `user` may see: every unrestricted incident, the restricted ones they are on, and all of them for the security
    group and superusers. Anonymous visitors (and user None) see no restricted incident."""
    if getattr(user, "is_superuser", False):
        return Q()
    unrestricted = Q(**{f"{path}restricted": False})
    if not getattr(user, "is_authenticated", False):
        return unrestricted
    membership = f"{path}in" if path else "pk__in"
    return unrestricted | Q(**{membership: insider_incidents(user)}) | Q(_security_member(user))


class IncidentQuerySet(models.QuerySet["Incident"]):
    def visible_to(self, user: Any) -> Self:
        """Restricted incidents only for their people, the security group and superusers: every list, count,
        page, export, feed and search goes through here (or visible_q for rows reached through an incident)."""
        return self.filter(visible_q(user))

    def real(self) -> Self:
        """Not practice: what MTTx, repeats, Home and the status page count."""
        return self.filter(kind=Kind.REAL)

    def practice(self) -> Self:
        """Drills, game days and tabletop exercises."""
        return self.exclude(kind=Kind.REAL)

    def open(self) -> Self:
        return self.exclude(status=Status.RESOLVED)

    def resolved(self) -> Self:
        return self.filter(status=Status.RESOLVED)

    def with_durations(self) -> Self:
        """Annotate the four response durations, computed by the database (NULL when a time is missing)."""
        return self.annotate(
            time_to_detect=_elapsed("detected_at", "started_at"),
            time_to_acknowledge=_elapsed("acknowledged_at", "detected_at"),
            time_to_mitigate=_elapsed("mitigated_at", "started_at"),
            time_to_resolve=_elapsed("resolved_at", "started_at"),
        )

    def missing_postmortem(self) -> Self:
        """Resolved SEV-1/SEV-2 incidents that have no postmortem at all (the postmortems app owns the relation)."""
        return self.resolved().filter(severity__lte=Severity.SEV2, postmortem__isnull=True)

    def for_list(self) -> Self:
        return self.prefetch_related("services", "categories").select_related("commander")

    def with_last_update(self) -> Self:
        """Annotate `last_update_at`: when the latest status update (public or internal) was posted."""
        latest = StatusUpdate.objects.filter(incident=OuterRef("pk")).order_by("-posted_at", "-id")
        return self.annotate(last_update_at=Subquery(latest.values("posted_at")[:1]))

    def checklist_fact_rows(self) -> list[dict[str, Any]]:
        """What incidents.checklist needs per incident: one dict per incident, CHECKLIST_INCIDENT_FIELDS and
        has_postmortem, has_sme, has_investigating_entry, has_resolution_note, timeline_entries and first_update_at
        (incidents.checklist.facts_for_row reads them). The timeline, status updates and SMEs are each read in one
        grouped pass over the incidents' rows, not by five subqueries per incident: at 100,000 incidents and
        1,000,000 timeline entries, seconds instead of minutes."""
        from .checklist import INVESTIGATING_KINDS, RESOLVED_WITH_NOTE

        ids = self.order_by().values("pk")
        rows = list(
            self.order_by()
            .annotate(
                has_postmortem=ExpressionWrapper(Q(postmortem__isnull=False), output_field=BooleanField())
            )
            .values(*CHECKLIST_INCIDENT_FIELDS, "has_postmortem")
        )
        entries = {
            row["incident"]: row
            for row in TimelineEntry.objects.filter(incident__in=ids)
            .order_by()
            .values("incident")
            .annotate(
                n=Count("pk"),
                investigating=Count("pk", filter=Q(kind__in=INVESTIGATING_KINDS)),
                notes=Count(
                    "pk", filter=Q(kind=TimelineEntry.Kind.STATUS_CHANGE, text__contains=RESOLVED_WITH_NOTE)
                ),
            )
        }
        first_updates = dict(
            StatusUpdate.objects.filter(incident__in=ids)
            .order_by()
            .values("incident")
            .annotate(first=Min("posted_at"))
            .values_list("incident", "first")
        )
        with_sme = set(
            Incident.smes.through.objects.filter(incident__in=ids).values_list("incident_id", flat=True)
        )
        none: dict[str, int] = {"n": 0, "investigating": 0, "notes": 0}
        for row in rows:
            counted = entries.get(row["id"], none)
            row.update(
                has_sme=row["id"] in with_sme,
                has_investigating_entry=counted["investigating"] > 0,
                has_resolution_note=counted["notes"] > 0,
                timeline_entries=counted["n"],
                first_update_at=first_updates.get(row["id"]),
            )
        return rows

    def update_overdue(self, now: datetime | None = None) -> Self:
        """Open incidents whose last update (or, before the first one, detection) is older than the cadence
        for their severity (settings.HINDSIGHT_UPDATE_CADENCE)."""
        now = now or timezone.now()
        queryset = (
            self.open()
            .with_last_update()
            .annotate(last_communicated_at=Coalesce("last_update_at", "detected_at", "started_at"))
        )
        overdue = Q()
        for severity, cadence in settings.HINDSIGHT_UPDATE_CADENCE.items():
            overdue |= Q(severity=severity, last_communicated_at__lt=now - cadence)
        return queryset.filter(overdue)


# The incident's own columns incidents.checklist.facts_for_row reads (checklist_fact_rows adds the rest).
CHECKLIST_INCIDENT_FIELDS = [
    "id",
    "started_at",
    "severity",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "commander_id",
    "tech_lead_id",
    "comms_lead_id",
    "scribe_id",
    "chat_channel_url",
    "bridge_url",
]

# (field, label) in the order the timestamps must follow.
KEY_TIMESTAMPS = [
    ("started_at", "Started"),
    ("detected_at", "Detected"),
    ("acknowledged_at", "Acknowledged"),
    ("mitigated_at", "Mitigated"),
    ("resolved_at", "Resolved"),
]


class Incident(models.Model):
    title = models.CharField(max_length=200)
    summary = models.TextField(
        blank=True,
        **text_limit(MAX_SUMMARY_LENGTH),
        help_text="What happened, in a paragraph. Markdown allowed.",
    )
    rendered_summary = models.TextField(blank=True, editable=False, help_text="Sanitised HTML of summary.")
    severity = models.PositiveSmallIntegerField(
        choices=Severity.choices, default=Severity.SEV3, db_index=True
    )
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.REAL,
        db_index=True,
        help_text="Practice (drills, game days, tabletop exercises) is kept out of the real metrics.",
    )
    practised_runbook = models.ForeignKey(
        "runbooks.Runbook",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="drills",
        help_text="The runbook this drill practises; its outcome counts as a review of the runbook.",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.INVESTIGATING, db_index=True
    )
    detection_source = models.CharField(
        max_length=20, choices=DetectionSource.choices, default=DetectionSource.ALERT, db_index=True
    )
    customer_impact = models.TextField(
        blank=True,
        **text_limit(MAX_SUMMARY_LENGTH),
        help_text="Who was affected and how, in customers' terms.",
    )
    rendered_customer_impact = models.TextField(
        blank=True, editable=False, help_text="Sanitised HTML of customer impact."
    )
    services = models.ManyToManyField(Service, related_name="incidents")
    categories = models.ManyToManyField(Category, related_name="incidents", blank=True)

    started_at = models.DateTimeField(
        default=timezone.now,
        db_index=True,
        validators=[validate_in_date_window],
    )
    detected_at = models.DateTimeField(null=True, blank=True, validators=[validate_in_date_window])
    acknowledged_at = models.DateTimeField(null=True, blank=True, validators=[validate_in_date_window])
    mitigated_at = models.DateTimeField(null=True, blank=True, validators=[validate_in_date_window])
    resolved_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        validators=[validate_in_date_window],
    )

    commander = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="incident commander",
    )
    tech_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="technical lead",
    )
    comms_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="communications lead",
    )
    scribe = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    smes = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="sme_incidents",
        verbose_name="subject-matter experts",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Imported history: the id the incident had where it came from (re-importing updates instead of
    # duplicating) and a link back to the source record.
    external_id = models.CharField(max_length=200, null=True, blank=True, unique=True, editable=False)
    source_url = models.URLField("source link", max_length=500, blank=True)

    # Alerts in: kept up to date by incidents.alerts on every notification, so lists need no extra query.
    alerts_total = models.PositiveIntegerField(default=0, editable=False)
    alerts_firing = models.PositiveIntegerField(default=0, editable=False)
    alerts_resolved_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the last firing alert resolved (empty while any fires).",
    )
    chat_channel_url = models.URLField(
        "chat channel link",
        max_length=500,
        blank=True,
        help_text="The incident's chat channel (Slack, Teams…).",
    )
    bridge_url = models.URLField(
        "call / bridge link", max_length=500, blank=True, help_text="The video call or phone bridge."
    )
    restricted = models.BooleanField(
        default=False,
        db_index=True,
        help_text="Only its role holders, the people added to it, the security group and superusers can see it.",
    )
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="restricted_incident_access",
        verbose_name="people with access",
        help_text="Who else may see it while it is restricted.",
    )
    recurrence_of = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="recurrences",
        help_text="An earlier incident, resolved by a person, whose alerts fired again.",
    )

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["status", "severity"]),
            models.Index(fields=["-started_at", "-id"], name="incident_started_desc"),
            models.Index(Lower("title"), "id", name="incident_title_lower"),  # the list's title sort
            # Home's open incidents and their counts: a few open rows among the whole resolved history.
            models.Index(
                fields=["kind", "severity", "started_at"],
                condition=~Q(status=Status.RESOLVED),
                name="incident_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=Status.RESOLVED) | Q(resolved_at__isnull=False),
                name="resolved_incident_has_resolved_time",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("started_at")),
                name="incident_resolved_after_started",
            ),
        ]

    def __str__(self):
        return f"INC-{self.pk}: {self.title}"

    @property
    def reference(self):
        return f"INC-{self.pk}"

    def get_absolute_url(self):
        return reverse("incidents:detail", args=[self.pk])

    @property
    def is_practice(self):
        return self.kind != Kind.REAL

    @property
    def is_open(self):
        return self.status != Status.RESOLVED

    @property
    def summary_html(self):
        return mark_safe(self.rendered_summary)

    @property
    def customer_impact_html(self):
        return mark_safe(self.rendered_customer_impact)

    def save(self, *args, **kwargs):
        """Render the Markdown once, here, so no page view ever has to."""
        self.rendered_summary = render_markdown(self.summary)
        self.rendered_customer_impact = render_markdown(self.customer_impact)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"summary", "customer_impact"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "rendered_summary", "rendered_customer_impact"}
        super().save(*args, **kwargs)

    @property
    def all_alerts_resolved(self):
        """Every alert that fired for this open incident has resolved: time to ask whether the incident has."""
        return self.is_open and self.alerts_resolved_at is not None

    def clean(self):
        errors = {}
        previous = None
        for field, label in KEY_TIMESTAMPS:
            value = getattr(self, field)
            if value is None:
                continue
            if previous and value < previous[1]:
                errors[field] = f"{label} time cannot be before the {previous[2].lower()} time."
            else:
                previous = (field, value, label)
        if self.status == Status.RESOLVED and self.resolved_at is None:
            errors.setdefault("resolved_at", "A resolved incident needs a resolved time.")
        if self.resolved_at and self.status != Status.RESOLVED:
            errors.setdefault("status", "An incident with a resolved time must have the status Resolved.")
        now = timezone.now() + timedelta(minutes=5)
        for field, label in KEY_TIMESTAMPS:
            value = getattr(self, field)
            if value and value > now and field not in errors:
                errors[field] = f"{label} time is in the future."
        if errors:
            raise ValidationError(errors)

    # --- figures for this one incident -------------------------------------------------------
    def _between(self, start, end):
        a, b = getattr(self, start), getattr(self, end)
        return b - a if a and b else None

    @property
    def time_to_detect_value(self):
        return self._between("started_at", "detected_at")

    @property
    def time_to_acknowledge_value(self):
        return self._between("detected_at", "acknowledged_at")

    @property
    def time_to_mitigate_value(self):
        return self._between("started_at", "mitigated_at")

    @property
    def time_to_resolve_value(self):
        return self._between("started_at", "resolved_at")

    @property
    def response_target(self):
        """The acknowledgement target for the severity; None for SEV-? (history without a severity)."""
        return settings.HINDSIGHT_RESPONSE_TARGETS.get(self.severity)

    def response_target_check(self, now=None):
        """Was (or is) acknowledgement within the severity's response target?

        Returns a dict: target, start (when the clock started), elapsed, met (True/False), pending (still waiting
        for acknowledgement); None when the severity is unknown (no target to check against).
        """
        target = self.response_target
        if target is None:
            return None
        start = self.detected_at or self.started_at
        if self.acknowledged_at:
            elapsed = self.acknowledged_at - start
            return {
                "target": target,
                "start": start,
                "elapsed": elapsed,
                "met": elapsed <= target,
                "pending": False,
            }
        elapsed = (now or timezone.now()) - start
        return {
            "target": target,
            "start": start,
            "elapsed": elapsed,
            "met": elapsed <= target,
            "pending": True,
        }

    def open_for(self, now=None):
        return (self.resolved_at or now or timezone.now()) - self.started_at

    @property
    def update_cadence(self):
        """How often updates are due for the severity; None for SEV-?."""
        return settings.HINDSIGHT_UPDATE_CADENCE.get(self.severity)

    def next_update_due(self, last_update_at):
        """When the next status update is due by the cadence (None once resolved or for SEV-?)."""
        if not self.is_open or self.update_cadence is None:
            return None
        return (last_update_at or self.detected_at or self.started_at) + self.update_cadence


class TimelineEntry(models.Model):
    class Kind(models.TextChoices):
        OBSERVATION = "observation", "Observation"
        ACTION = "action", "Action"
        DECISION = "decision", "Decision"
        COMMUNICATION = "communication", "Communication"
        STATUS_CHANGE = "status_change", "Status change"

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="timeline")
    occurred_at = models.DateTimeField(default=timezone.now, validators=[validate_in_date_window])
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OBSERVATION)
    text = models.TextField(**text_limit(MAX_ENTRY_LENGTH))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["incident", "occurred_at"])]
        verbose_name_plural = "timeline entries"

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.text[:60]}"


class ChecklistItem(models.TextChoices):
    """The initial response checklist, in the order a response runs (incidents/checklist.py derives each)."""

    ACKNOWLEDGED = "acknowledged", "Acknowledge the incident"
    SEVERITY = "severity", "Assess the severity"
    TEAM = "team", "Assemble the response team (commander and one more role)"
    CHANNEL = "channel", "Open the incident channel or bridge"
    INVESTIGATING = "investigating", "Begin the investigation (a timeline entry)"
    COMMUNICATED = "communicated", "Post the first status update"
    MITIGATED = "mitigated", "Implement a fix or mitigation"
    VERIFIED = "verified", "Verify the resolution (a note when resolving)"
    DOCUMENTED = "documented", "Document the timeline"
    POSTMORTEM = "postmortem", "Start the postmortem or schedule its review"


class IncidentChecklistTick(models.Model):
    """A responder's word that a checklist item was done when the data cannot show it."""

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="checklist_ticks")
    item = models.CharField(max_length=20, choices=ChecklistItem.choices)
    note = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "item"], name="one_tick_per_checklist_item"),
        ]

    def __str__(self):
        return f"{self.get_item_display()} on INC-{self.incident_id}"


# --- Communication: status updates posted to stakeholders and the public status page ---------------
class StatusUpdateQuerySet(models.QuerySet["StatusUpdate"]):
    def public(self) -> Self:
        return self.filter(visibility=StatusUpdate.Visibility.PUBLIC)

    def latest_first(self) -> Self:
        return self.order_by("-posted_at", "-id")


class StatusUpdate(models.Model):
    """One message sent about an incident: the Initial notice, an Update, or the Resolution notice."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial"
        UPDATE = "update", "Update"
        RESOLUTION = "resolution", "Resolution"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public (status page)"
        INTERNAL = "internal", "Internal (staff only)"

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="status_updates")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.UPDATE)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    status = models.CharField(
        max_length=20, choices=Status.choices, help_text="The incident's status when this was posted."
    )
    headline = models.CharField(
        max_length=200,
        help_text="The public title: describe the symptom customers see, not the internal cause.",
    )
    message = models.TextField(**text_limit(MAX_ENTRY_LENGTH))
    next_update_at = models.DateTimeField(null=True, blank=True, validators=[validate_in_date_window])
    posted_at = models.DateTimeField(default=timezone.now, validators=[validate_in_date_window])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-posted_at", "-id"]
        indexes = [
            models.Index(fields=["incident", "-posted_at"], name="statusupdate_incident_recent"),
            models.Index(fields=["visibility", "-posted_at"], name="statusupdate_visibility_recent"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.incident.reference} at {self.posted_at:%Y-%m-%d %H:%M}"

    @property
    def is_public(self):
        return self.visibility == self.Visibility.PUBLIC


def is_web_link(url):
    """Only http(s) addresses and paths on this site become links (never javascript: or data:)."""
    return url.startswith(("https://", "http://")) or (url.startswith("/") and not url.startswith("//"))


# --- Alerts in: one row per alert Alertmanager reported, on the incident that saw it fire -----------------
class AlertQuerySet(models.QuerySet["Alert"]):
    def firing(self) -> Self:
        return self.filter(state=Alert.State.FIRING)

    def for_table(self) -> Self:
        """Firing first, then the most recently started: the order responders read the table in."""
        return self.select_related("suggested_runbook").order_by("state", "-starts_at", "id")


class Alert(models.Model):
    """One Prometheus alert (identified by Alertmanager's fingerprint of its labels) on one incident.

    A resolve goes to the incident holding the fingerprint; a repeated notification that changes nothing
    leaves the row as it is, so replays are harmless.
    """

    class State(models.TextChoices):
        FIRING = "firing", "Firing"
        RESOLVED = "resolved", "Resolved"

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="alerts")
    fingerprint = models.CharField(max_length=100)
    alertname = models.CharField(max_length=200)
    service_label = models.CharField(
        max_length=200, blank=True, help_text="The value of the first service label found, lower-cased."
    )
    group_key = models.CharField(max_length=500, help_text="Alertmanager's group key when last seen.")
    state = models.CharField(max_length=10, choices=State.choices)
    labels = models.JSONField(default=dict)
    annotations = models.JSONField(default=dict)
    generator_url = models.URLField(max_length=2000, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    suggested_runbook = models.ForeignKey(
        "runbooks.Runbook",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The library runbook the alert's runbook_url points to.",
    )
    received_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["state", "-starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "fingerprint"], name="alert_once_per_incident"),
        ]
        indexes = [
            models.Index(fields=["fingerprint"], name="alert_fingerprint"),
            models.Index(fields=["alertname", "service_label"], name="alert_name_service"),
            models.Index(fields=["group_key"], name="alert_group_key"),
            models.Index(fields=["incident", "state", "-starts_at"], name="alert_incident_table"),
        ]

    def __str__(self):
        return f"{self.alertname} {self.state} ({self.starts_at:%Y-%m-%d %H:%M})"

    @property
    def summary(self):
        return self.annotations.get("summary") or self.annotations.get("description") or ""

    @property
    def runbook_url(self):
        return self.annotations.get("runbook_url", "")

    @property
    def runbook_link(self):
        """runbook_url when it is safe to link (http(s) or a path on this site)."""
        return self.runbook_url if is_web_link(self.runbook_url) else ""

    @property
    def dashboard_link(self):
        url = self.annotations.get("dashboard", "") or self.annotations.get("dashboard_url", "")
        return url if is_web_link(url) else ""

    @property
    def other_labels(self):
        return sorted((key, value) for key, value in self.labels.items() if key != "alertname")
