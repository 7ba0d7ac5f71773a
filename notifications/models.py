"""Notifications: every message Hindsight sends (the Outbox), who wants which, teams' channels and calendars.

A Notification row is written in the same transaction as the change it reports, and delivered afterwards by a
background task (tasks.py). Its `dedupe_key` is UNIQUE: a reminder stage for one item is inserted once,
however many `send_reminders` runs race for it.
"""

import secrets
from datetime import datetime, time, timedelta
from typing import Self

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Kind(models.TextChoices):
    ACTION_ASSIGNED = "action_assigned", "Action item assigned to you"
    ACTION_REASSIGNED = "action_reassigned", "Action item reassigned away from you"
    ACTION_DUE_SOON = "action_due_soon", "Action item due in 3 days"
    ACTION_OVERDUE = "action_overdue", "Action item overdue (then weekly)"
    POSTMORTEM_NAMED = "postmortem_named", "Named author or reviewer of a postmortem"
    POSTMORTEM_REVIEW_REQUESTED = "postmortem_review", "Postmortem review requested"
    POSTMORTEM_DUE_SOON = "postmortem_due_soon", "Postmortem deadline in 24 hours"
    POSTMORTEM_OVERDUE = "postmortem_overdue", "Postmortem overdue"
    STATUS_UPDATE_DUE = "status_update_due", "Status update about to be overdue"
    REVIEW_MEETING = "review_meeting", "Postmortem review meeting invitation"
    REMINDER_DIGEST = "reminder_digest", "Many reminders at once, in one message"
    DAILY_DIGEST = "daily_digest", "Daily digest"
    RUNBOOK_REVIEW_DUE = "runbook_review_due", "Runbook due for review (team channel)"
    RUNBOOK_DIDNT_HELP = "runbook_didnt_help", "Runbook flagged “didn't help” (team channel)"
    TEAM_DIGEST = "team_digest", "Weekly team digest (team channel)"
    INCIDENT_DECLARED = "incident_declared", "Incident declared (team channel)"
    INCIDENT_SEVERITY_RAISED = "incident_severity", "Incident raised to SEV-1/2 (team channel)"
    INCIDENT_RESOLVED = "incident_resolved", "Incident resolved (team channel)"


# Kinds a person receives and may choose about on the preferences page (team-channel kinds go to chat).
PERSONAL_KINDS = [
    Kind.ACTION_ASSIGNED,
    Kind.ACTION_REASSIGNED,
    Kind.ACTION_DUE_SOON,
    Kind.ACTION_OVERDUE,
    Kind.POSTMORTEM_NAMED,
    Kind.POSTMORTEM_REVIEW_REQUESTED,
    Kind.POSTMORTEM_DUE_SOON,
    Kind.POSTMORTEM_OVERDUE,
    Kind.STATUS_UPDATE_DUE,
    Kind.REVIEW_MEETING,
]
# Personal kinds that may wait for the daily digest (an invitation or a digest itself never waits).
DIGESTIBLE_KINDS = [kind for kind in PERSONAL_KINDS if kind != Kind.REVIEW_MEETING]


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"


class State(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def due_for_delivery(self, now: datetime | None = None) -> Self:
        """Queued, not waiting for a digest, and whose (next) attempt time has come."""
        return self.filter(
            state=State.QUEUED, held_for_digest=False, next_attempt_at__lte=now or timezone.now()
        )

    def held_for_digest(self) -> Self:
        return self.filter(state=State.QUEUED, held_for_digest=True)

    def visible_to(self, user: User) -> Self:
        if user.has_perm("notifications.view_all_notifications"):
            return self
        return self.filter(recipient=user)

    def for_outbox(self) -> Self:
        return self.select_related("recipient", "chat_channel").defer("body_text", "body_html", "ics")


class Notification(models.Model):
    """One message to one recipient on one channel: the Outbox row."""

    kind = models.CharField(max_length=30, choices=Kind.choices, db_index=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    team = models.CharField(max_length=100, blank=True, db_index=True)
    chat_channel = models.ForeignKey(
        "ChatChannel", models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    address = models.CharField(
        max_length=254, blank=True, help_text="The email address it went to (chat: the channel's name)."
    )
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True, help_text="Path of the thing it is about.")
    ics = models.TextField(blank=True, help_text="An iCalendar invitation attached to the email.")
    # What it is about, checked again just before sending (a deleted action item sends nothing).
    target_type = models.CharField(max_length=50, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)

    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    reason = models.TextField(
        blank=True, help_text="Why it failed or was skipped; the last error while retrying."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    held_for_digest = models.BooleanField(default=False)
    digest = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="included")
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("view_all_notifications", "Can see everybody's notifications on the Outbox")]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="notification_created_desc"),
            models.Index(fields=["state", "next_attempt_at"], name="notification_state_next"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_created"),
            models.Index(fields=["kind", "-created_at"], name="notification_kind_created"),
            models.Index(fields=["target_type", "target_id"], name="notification_target"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | Q(chat_channel__isnull=False) | ~Q(state="queued"),
                name="queued_notification_has_destination",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", "Email each one"
    DIGEST = "digest", "In my daily digest"
    OFF = "off", "Don't send"


class Subscription(models.Model):
    """A person's choice for one kind; no row means the default, an email each time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notification_subscriptions"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    delivery = models.CharField(max_length=15, choices=Delivery.choices, default=Delivery.IMMEDIATELY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_subscription_per_user_kind")
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} → {self.delivery}"


class Team(models.Model):
    """Settings for a team, keyed by the name services use as their owning team."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    name = models.CharField(max_length=100, unique=True)
    digest_weekday = models.PositiveSmallIntegerField(
        "weekly digest day", choices=Weekday.choices, default=Weekday.MONDAY
    )
    digest_time = models.TimeField(
        "weekly digest time", default=time(9, 0), help_text="In the server's time zone."
    )
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("notifications:team", args=[self.name])


class ChatChannel(models.Model):
    """A team's chat destination, as an Apprise URL (slack://…, mmost://…, msteams://…, discord://…, json://…)."""

    team = models.ForeignKey(Team, models.CASCADE, related_name="chat_channels")
    name = models.CharField(max_length=100, help_text="How the Outbox names it, e.g. “#payments-incidents”.")
    url = models.CharField(
        max_length=1000,
        help_text="Apprise URL, e.g. slack://T…/B…/… or https://hooks.slack.com/… or json://host/path",
    )
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["team", "name"]

    def __str__(self):
        return f"{self.team}: {self.name}"


class CalendarFeed(models.Model):
    """A person's secret iCalendar address; revoking it gives a new token and the old address stops."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Calendar of {self.user}"


class ReviewMeeting(models.Model):
    """The meeting where a postmortem is reviewed; attendees get an email invitation with an .ics file."""

    postmortem = models.OneToOneField("postmortems.Postmortem", models.CASCADE, related_name="review_meeting")
    starts_at = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    location = models.CharField(max_length=200, blank=True, help_text="A room or a video-call link.")
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="review_meetings")
    sequence = models.PositiveIntegerField(
        default=0, help_text="Raised on every change (iCalendar SEQUENCE)."
    )
    organizer = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self):
        return f"Review of {self.postmortem.title} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def uid(self) -> str:
        return f"postmortem-review-{self.postmortem_id}@hindsight"
