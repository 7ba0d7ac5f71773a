"""Reviewing a postmortem together: comments anchored to its text, each reviewer's verdict, a public version.

A comment is anchored by the section heading and the text it quotes, not by a line number, so it survives edits
elsewhere; when the quote is no longer in the postmortem it is shown as outdated, quote and all. A verdict
records the version it was given on: a later revision leaves it standing but "given on an older version".
"""

from typing import Self

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import mark_safe

from core.limits import MAX_COMMENT_LENGTH, MAX_SUMMARY_LENGTH, text_limit
from documents.markdown import heading_slug, render_markdown
from postmortems.models import Postmortem

MAX_QUOTE_LENGTH = 2_000


def normalise_space(text: str) -> str:
    return " ".join((text or "").split())


class ReviewCommentQuerySet(models.QuerySet["ReviewComment"]):
    def threads(self) -> Self:
        """Comments that start a thread (replies hang below them)."""
        return self.filter(parent__isnull=True)

    def open(self) -> Self:
        return self.threads().filter(resolved_at__isnull=True)

    def waiting_for(self, user: User) -> Self:
        """Open threads on unpublished postmortems `user` is an author of, started by someone else."""
        return (
            self.open()
            .filter(postmortem__authors=user)
            .exclude(postmortem__status=Postmortem.Status.PUBLISHED)
            .exclude(author=user)
        )


class ReviewComment(models.Model):
    postmortem = models.ForeignKey(Postmortem, models.CASCADE, related_name="review_comments")
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    body = models.TextField("comment", **text_limit(MAX_COMMENT_LENGTH))
    rendered_body = models.TextField(blank=True, editable=False)
    section = models.CharField(
        max_length=200,
        blank=True,
        help_text="The heading of the section commented on; empty: the whole text.",
    )
    quote = models.TextField(blank=True, **text_limit(MAX_QUOTE_LENGTH))
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewCommentQuerySet.as_manager()
    # Set by the selectors that list threads (reviews.selectors.threads_for): its quote is no longer in the text.
    outdated: bool

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["postmortem", "parent", "resolved_at"], name="comment_thread_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True)
                | (Q(section="") & Q(quote="") & Q(resolved_at__isnull=True)),
                name="reply_has_no_anchor_or_state",
            ),
        ]

    def __str__(self):
        return f"Comment {self.pk} on {self.postmortem}"

    def save(self, *args, **kwargs):
        self.rendered_body = render_markdown(self.body)
        super().save(*args, **kwargs)

    @property
    def body_html(self):
        return mark_safe(self.rendered_body)

    @property
    def is_resolved(self):
        return self.resolved_at is not None

    @property
    def anchor_id(self):
        return heading_slug(self.section) if self.section else ""

    def is_outdated(self, body: str) -> bool:
        """The quoted text is no longer in the postmortem's `body`."""
        return bool(self.quote) and normalise_space(self.quote) not in normalise_space(body)

    def get_absolute_url(self):
        return f"{self.postmortem.get_absolute_url()}#comment-{self.pk}"


class Verdict(models.Model):
    """One step of a postmortem's review, kept as history: a reviewer's approval or request for changes, or an
    Editor publishing without enough approvals (with the reason)."""

    class Kind(models.TextChoices):
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Requested changes"
        OVERRIDE = "override", "Published without enough approvals"

    postmortem = models.ForeignKey(Postmortem, models.CASCADE, related_name="verdicts")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.PositiveIntegerField(help_text="The postmortem's version the verdict was given on.")
    note = models.TextField(blank=True, **text_limit(2_000))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["postmortem", "reviewer", "-created_at"], name="verdict_latest")]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="override") | ~Q(note=""), name="override_has_reason"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on version {self.version}"


class PublicSummary(models.Model):
    """The customer-facing account of a published postmortem, shown on the incident's public status page."""

    postmortem = models.OneToOneField(Postmortem, models.CASCADE, related_name="public_summary")
    title = models.CharField("public title", max_length=200)
    body = models.TextField("public summary", **text_limit(MAX_SUMMARY_LENGTH))
    rendered_body = models.TextField(blank=True, editable=False)
    is_public = models.BooleanField("shown on the status page", default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self):
        return f"Public summary of {self.postmortem}"

    def save(self, *args, **kwargs):
        self.rendered_body = render_markdown(self.body)
        super().save(*args, **kwargs)

    @property
    def body_html(self):
        return mark_safe(self.rendered_body)
