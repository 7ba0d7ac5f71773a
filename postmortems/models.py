"""Blameless postmortems (one per incident) and the action items a team promises in them."""

from datetime import date, datetime, timedelta
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OrderBy, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from core.dates import validate_in_date_window
from core.limits import MAX_BODY_LENGTH, MAX_ENTRY_LENGTH, text_limit
from documents.models import VersionedDocument
from incidents.models import Incident, visible_q


class PostmortemQuerySet(models.QuerySet["Postmortem"]):
    def visible_to(self, user: Any) -> Self:
        """Only postmortems of incidents `user` may see (Incident.objects.visible_to)."""
        return self.filter(visible_q(user, "incident__"))

    def published(self) -> Self:
        return self.filter(status=Postmortem.Status.PUBLISHED)

    def unpublished(self) -> Self:
        return self.exclude(status=Postmortem.Status.PUBLISHED)

    def overdue(self, now: datetime | None = None) -> Self:
        """Not published although the incident was resolved longer ago than HINDSIGHT_POSTMORTEM_DUE."""
        deadline = (now or timezone.now()) - settings.HINDSIGHT_POSTMORTEM_DUE
        return self.unpublished().filter(incident__resolved_at__lt=deadline)

    def for_list(self) -> Self:
        return self.select_related("incident", "updated_by", "published_by")


class Postmortem(VersionedDocument):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    incident = models.OneToOneField(Incident, models.CASCADE, related_name="postmortem")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="authored_postmortems"
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="postmortems_to_review"
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = PostmortemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="postmortem_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_postmortem_has_published_time",
            ),
        ]

    def __str__(self):
        return f"Postmortem: {self.title}"

    def get_absolute_url(self):
        return reverse("postmortems:detail", args=[self.pk])

    @property
    def is_locked(self):
        """Published postmortems are read-only until reopened."""
        return self.status == self.Status.PUBLISHED

    @property
    def due_at(self):
        resolved = self.incident.resolved_at
        return resolved + settings.HINDSIGHT_POSTMORTEM_DUE if resolved else None

    def is_overdue(self, now=None):
        due = self.due_at
        return self.status != self.Status.PUBLISHED and due is not None and due < (now or timezone.now())

    # --- workflow ----------------------------------------------------------------------------
    def submit_for_review(self):
        self.status = self.Status.IN_REVIEW
        self.save(update_fields=["status", "updated_at"])

    def publish(self, user, now=None):
        self.status = self.Status.PUBLISHED
        self.published_at = now or timezone.now()
        self.published_by = user
        self.save(update_fields=["status", "published_at", "published_by", "updated_at"])

    def reopen(self):
        """Back to draft for more editing; the earlier publication is forgotten until it is published again."""
        self.status = self.Status.DRAFT
        self.published_at = None
        self.published_by = None
        self.save(update_fields=["status", "published_at", "published_by", "updated_at"])


def due_or_never() -> Coalesce:
    """An item's due date, undated items as the last possible day: a non-NULL key a keyset walk can seek on."""
    return Coalesce("due_date", Value(date.max))


def due_date_order() -> OrderBy:
    """Earliest due first, undated items last (NULLS LAST on every database); the indexes
    actionitem_status_due_order and actionitem_open_due_order serve it."""
    return due_or_never().asc()


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    """Each section of the review meeting is a queryset method; `predicates` gives the same rules as Q objects,
    so one query can count every section (postmortems.action_views.section_counts)."""

    def visible_to(self, user: Any) -> Self:
        """Only action items of incidents `user` may see (Incident.objects.visible_to)."""
        return self.filter(visible_q(user, "postmortem__incident__"))

    @staticmethod
    def predicates(
        today: date | None = None,
        now: datetime | None = None,
        due_within_days: int = 7,
        closed_within_days: int = 14,
    ) -> dict[str, Q]:
        """{name: Q} for open, closed, unowned, overdue, due_within and recently_closed."""
        today = today or timezone.localdate()
        is_open = Q(status__in=ActionItem.OPEN_STATUSES)
        is_closed = Q(status__in=ActionItem.CLOSED_STATUSES)
        since = (now or timezone.now()) - timedelta(days=closed_within_days)
        return {
            "open": is_open,
            "closed": is_closed,
            "unowned": is_open & Q(owner__isnull=True),
            "overdue": is_open & Q(due_date__lt=today),
            "due_within": is_open
            & Q(due_date__gte=today, due_date__lte=today + timedelta(days=due_within_days)),
            "recently_closed": is_closed & Q(completed_at__gte=since),
        }

    def open(self) -> Self:
        return self.filter(self.predicates()["open"])

    def closed(self) -> Self:
        return self.filter(self.predicates()["closed"])

    def unowned(self) -> Self:
        """Open items nobody has taken: the thing a review meeting exists to fix."""
        return self.filter(self.predicates()["unowned"])

    def overdue(self, today: date | None = None) -> Self:
        return self.filter(self.predicates(today=today)["overdue"])

    def due_within(self, days: int, today: date | None = None) -> Self:
        """Open items due from today up to `days` days ahead (not yet overdue)."""
        return self.filter(self.predicates(today=today, due_within_days=days)["due_within"])

    def recently_closed(self, days: int = 14, now: datetime | None = None) -> Self:
        return self.filter(self.predicates(now=now, closed_within_days=days)["recently_closed"])

    def closed_on_time(self) -> Self:
        """Done by their due date (items without a due date count as on time once done)."""
        return self.filter(status=ActionItem.Status.DONE, completed_at__isnull=False).filter(
            Q(due_date__isnull=True) | Q(completed_at__date__lte=F("due_date"))
        )

    def for_review(self) -> Self:
        return self.select_related("owner", "postmortem__incident")

    def by_due_date(self) -> Self:
        """Soonest due first (undated last), then the most urgent; ends on the id, so a keyset walk can page it."""
        return self.order_by(due_date_order(), "priority", "id")

    def by_status_and_due_date(self) -> Self:
        return self.order_by("status", due_date_order(), "priority", "id")


class ActionItem(models.Model):
    class Kind(models.TextChoices):
        MITIGATE = "mitigate", "Mitigate"
        PREVENT = "prevent", "Prevent"
        DETECT = "detect", "Detect"
        PROCESS = "process", "Process"
        DOCUMENTATION = "documentation", "Documentation"

    class Priority(models.IntegerChoices):
        P1 = 1, "P1 – urgent"
        P2 = 2, "P2 – high"
        P3 = 3, "P3 – normal"
        P4 = 4, "P4 – low"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        WONT_DO = "wont_do", "Won't do"

    OPEN_STATUSES = [Status.OPEN, Status.IN_PROGRESS]
    CLOSED_STATUSES = [Status.DONE, Status.WONT_DO]

    postmortem = models.ForeignKey(Postmortem, models.CASCADE, related_name="action_items")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, **text_limit(MAX_ENTRY_LENGTH))
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PREVENT, db_index=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.P3, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="action_items"
    )
    team = models.CharField(
        max_length=100,
        blank=True,
        db_index=True,
        help_text="Defaults to the owning team of the incident's first service.",
    )
    due_date = models.DateField(null=True, blank=True, db_index=True, validators=[validate_in_date_window])
    runbook = models.ForeignKey(
        "runbooks.Runbook",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        help_text="For “update runbook X” items: shown on that runbook.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    wont_do_reason = models.TextField("reason for not doing it", blank=True, **text_limit(2000))
    completed_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When the item was closed (done, or decided against)."
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = [F("due_date").asc(nulls_last=True), "priority", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="actionitem_status_due"),
            models.Index(fields=["owner", "status"], name="actionitem_owner_status"),
            models.Index(fields=["status", "completed_at"], name="actionitem_status_completed"),
            # The action-item list's orders (by_status_and_due_date; by_due_date for the open sections).
            models.Index("status", due_or_never(), "priority", "id", name="actionitem_status_due_order"),
            models.Index(
                due_or_never(),
                "priority",
                "id",
                name="actionitem_open_due_order",
                condition=Q(status__in=["open", "in_progress"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="wont_do") | ~Q(wont_do_reason=""),
                name="wont_do_action_item_has_reason",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        """Where everybody can read it: its row on the postmortem (editing is a separate, Editor-only page)."""
        return f"{reverse('postmortems:detail', args=[self.postmortem_id])}#action-item-{self.pk}"

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today=None):
        return self.is_open and self.due_date is not None and self.due_date < (today or timezone.localdate())

    def clean(self):
        if self.status == self.Status.WONT_DO and not self.wont_do_reason.strip():
            raise ValidationError({"wont_do_reason": "Say why this won't be done: the next review will ask."})

    def save(self, *args, **kwargs):
        if self.status in self.CLOSED_STATUSES:
            self.completed_at = self.completed_at or timezone.now()
        else:
            self.completed_at = None
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "completed_at", "updated_at"}
        super().save(*args, **kwargs)


class PostmortemTemplateQuerySet(models.QuerySet):
    def default_for(self, incident):
        """The template for this incident's severity, else the one marked default (None if there is none)."""
        templates = list(self.order_by("name"))
        for_severity = [t for t in templates if incident.severity in t.default_for_severities]
        return next(iter(for_severity), None) or next((t for t in templates if t.is_default), None)


class PostmortemTemplate(models.Model):
    """The sections a new postmortem starts from, with placeholders for the incident (see `drafting`).

    Starting a postmortem copies the filled-in text: editing a template changes only postmortems started later.
    """

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True, help_text="When to choose this template.")
    body = models.TextField(**text_limit(MAX_BODY_LENGTH))
    is_default = models.BooleanField(
        "default", default=False, help_text="Used for incidents no template names the severity of."
    )
    default_for_severities = models.JSONField(
        default=list, blank=True, help_text="Severities (1–4) this template is the default for."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostmortemTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_postmortem_template"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from .drafting import unknown_placeholders

        unknown = unknown_placeholders(self.body)
        if unknown:
            names = ", ".join(f"{{{{ {name} }}}}" for name in unknown)
            raise ValidationError({"body": f"Unknown placeholder{'s' if len(unknown) > 1 else ''}: {names}."})
