"""The weekly action-item review meeting: who came, the agenda it worked through, what it decided.

A meeting is started from the review page with that page's filters (a team, a service). Its agenda is built once,
in a fixed order, and stepped through by position. Every decision is kept with the meeting it was made in; a moved
due date is also kept as a `DueDateChange`, the item's slippage history.
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.limits import MAX_SUMMARY_LENGTH, text_limit

if TYPE_CHECKING:
    from notifications.models import Team

# An open meeting nobody ended closes itself this long after it started, keeping what was recorded.
AUTO_CLOSE_AFTER = timedelta(hours=12)


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def open(self) -> Self:
        return self.filter(ended_at__isnull=True)

    def ended(self) -> Self:
        return self.filter(ended_at__isnull=False)

    def stale(self, now: datetime | None = None) -> Self:
        """Open longer than AUTO_CLOSE_AFTER: left open by mistake."""
        return self.open().filter(started_at__lt=(now or timezone.now()) - AUTO_CLOSE_AFTER)

    def of_team(self, team: "Team | None") -> Self:
        return self.filter(team=team) if team is not None else self.filter(team__isnull=True)


class Meeting(models.Model):
    team = models.ForeignKey(
        "notifications.Team", models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    service = models.ForeignKey(
        "incidents.Service", models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    previous = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The team's meeting before this one: “since last meeting” compares with it.",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_automatically = models.BooleanField(default=False)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="review_attended")
    notes = models.TextField(blank=True, **text_limit(MAX_SUMMARY_LENGTH))
    notes_html = models.TextField(blank=True, editable=False)
    agenda_size = models.PositiveIntegerField(default=0)
    open_items_at_start = models.PositiveIntegerField(default=0)
    open_items_at_end = models.PositiveIntegerField(null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["team", "-started_at"], name="meeting_team_started")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="meeting_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.scope} review, {timezone.localtime(self.started_at):%d %b %Y}"

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    @property
    def scope(self) -> str:
        if self.team_id and self.service_id:
            return f"{self.team} · {self.service}"
        return str(self.team or self.service or "All teams")

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    def is_stale(self, now=None) -> bool:
        return self.is_open and self.started_at < (now or timezone.now()) - AUTO_CLOSE_AFTER

    @property
    def duration(self):
        return self.ended_at - self.started_at if self.ended_at else None


class AgendaItem(models.Model):
    """One stop on the agenda: an action item, a postmortem or a runbook, in the section that put it there."""

    class Section(models.TextChoices):
        UNOWNED = "unowned", "Unowned"
        OVERDUE = "overdue", "Overdue"
        DUE_SOON = "due_soon", "Due in the next 7 days"
        POSTMORTEM = "postmortem", "Postmortem waiting for review or overdue"
        RUNBOOK = "runbook", "Runbook flagged “needs update”"
        NEW = "new", "New since the last meeting"
        SLIPPING = "slipping", "Due date slipped twice or more"

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="agenda")
    position = models.PositiveIntegerField()
    section = models.CharField(max_length=20, choices=Section.choices)
    action_item = models.ForeignKey(
        "postmortems.ActionItem", models.SET_NULL, null=True, blank=True, related_name="agenda_entries"
    )
    postmortem = models.ForeignKey(
        "postmortems.Postmortem", models.SET_NULL, null=True, blank=True, related_name="agenda_entries"
    )
    runbook = models.ForeignKey(
        "runbooks.Runbook", models.SET_NULL, null=True, blank=True, related_name="agenda_entries"
    )
    title = models.CharField(max_length=200, help_text="As it was when the agenda was built.")
    seconds_spent = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="one_agenda_item_per_position"),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"

    def get_absolute_url(self):
        return reverse("meetings:step", args=[self.meeting_id, self.position])

    @property
    def target(self):
        return self.action_item or self.postmortem or self.runbook

    @property
    def is_gone(self) -> bool:
        """What it pointed at was deleted after the agenda was built."""
        return self.target is None


class DecisionQuerySet(models.QuerySet["Decision"]):
    def for_summary(self) -> Self:
        return self.select_related("action_item", "agenda_item", "owner", "by").order_by("at", "pk")


class Decision(models.Model):
    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "Assigned"
        NEW_DUE_DATE = "new_due_date", "New due date"
        DONE = "done", "Closed: done"
        WONT_DO = "wont_do", "Closed: won't do"
        ESCALATED = "escalated", "Escalated"
        NO_CHANGE = "no_change", "Discussed, no change"

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    action_item = models.ForeignKey(
        "postmortems.ActionItem", models.SET_NULL, null=True, blank=True, related_name="meeting_decisions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Assigned: who has it now.",
    )
    due_date = models.DateField(null=True, blank=True, help_text="New due date: the date it moved to.")
    reason = models.TextField(blank=True, **text_limit(2000))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["action_item", "-at"], name="decision_item_at")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["wont_do", "new_due_date"]) | ~Q(reason=""),
                name="decision_moving_or_dropping_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.action_item or self.agenda_item}"


class DueDateChange(models.Model):
    """One move of an action item's due date: the slippage history."""

    action_item = models.ForeignKey("postmortems.ActionItem", models.CASCADE, related_name="due_date_changes")
    old_date = models.DateField(null=True, blank=True)
    new_date = models.DateField(null=True, blank=True)
    reason = models.TextField(**text_limit(2000))
    meeting = models.ForeignKey(
        Meeting, models.SET_NULL, null=True, blank=True, related_name="due_date_changes"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["action_item", "-at"], name="duedatechange_item_at")]

    def __str__(self):
        return f"{self.action_item}: {self.old_date} → {self.new_date}"

    @property
    def is_slip(self) -> bool:
        """Moved later (or a date was taken away): the promise slipped."""
        return self.old_date is not None and (self.new_date is None or self.new_date > self.old_date)

    @property
    def days_moved(self) -> int | None:
        if self.old_date is None or self.new_date is None:
            return None
        return (self.new_date - self.old_date).days
