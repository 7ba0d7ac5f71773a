"""Blameless postmortems (one per incident) and the action items a team promises in them."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from core.dates import validate_in_date_window
from documents.limits import MAX_ENTRY_LENGTH, text_limit
from documents.models import VersionedDocument
from incidents.models import Incident, visible_q


class PostmortemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only postmortems of incidents `user` may see (Incident.objects.visible_to)."""
        return self.filter(visible_q(user, "incident__"))

    def published(self):
        return self.filter(status=Postmortem.Status.PUBLISHED)

    def unpublished(self):
        return self.exclude(status=Postmortem.Status.PUBLISHED)

    def overdue(self, now=None):
        """Not published although the incident was resolved longer ago than HINDSIGHT_POSTMORTEM_DUE."""
        deadline = (now or timezone.now()) - settings.HINDSIGHT_POSTMORTEM_DUE
        return self.unpublished().filter(incident__resolved_at__lt=deadline)

    def for_list(self):
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


class ActionItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only action items of incidents `user` may see (Incident.objects.visible_to)."""
        return self.filter(visible_q(user, "postmortem__incident__"))

    def open(self):
        return self.filter(status__in=ActionItem.OPEN_STATUSES)

    def closed(self):
        return self.filter(status__in=ActionItem.CLOSED_STATUSES)

    def unowned(self):
        """Open items nobody has taken: the thing a review meeting exists to fix."""
        return self.open().filter(owner__isnull=True)

    def overdue(self, today=None):
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def due_within(self, days, today=None):
        """Open items due from today up to `days` days ahead (not yet overdue)."""
        today = today or timezone.localdate()
        return self.open().filter(due_date__gte=today, due_date__lte=today + timedelta(days=days))

    def recently_closed(self, days=14, now=None):
        since = (now or timezone.now()) - timedelta(days=days)
        return self.closed().filter(completed_at__gte=since)

    def closed_on_time(self):
        """Done by their due date (items without a due date count as on time once done)."""
        return self.filter(status=ActionItem.Status.DONE, completed_at__isnull=False).filter(
            Q(due_date__isnull=True) | Q(completed_at__date__lte=F("due_date"))
        )

    def for_review(self):
        return self.select_related("owner", "postmortem__incident")


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
        if not self.team and self.postmortem_id:
            self.team = self.default_team()
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "completed_at", "team", "updated_at"}
        super().save(*args, **kwargs)

    def default_team(self):
        service = self.postmortem.incident.services.order_by("name").first()
        return service.team if service else ""
