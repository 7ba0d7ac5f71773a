"""Who mentions what: one row per (document, thing it mentions), rewritten whenever the document's text is saved.

A source is exactly one of: an incident (summary, customer impact), a timeline entry, a postmortem, an action
item, a runbook. A target is exactly one of: an incident, a runbook, a person. Explicit foreign keys rather than
generic relations, so a page lists its mentions, with each source's title and address, in one joined query, and a
deleted document takes its rows with it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

SOURCE_FIELDS = (
    "source_incident",
    "source_timeline_entry",
    "source_postmortem",
    "source_action_item",
    "source_runbook",
)
TARGET_FIELDS = ("target_incident", "target_runbook", "target_person")


def _exactly_one(fields):
    """A check that exactly one of `fields` is set."""
    condition = Q()
    for field in fields:
        others = {f"{other}__isnull": True for other in fields if other != field}
        condition |= Q(**{f"{field}__isnull": False}, **others)
    return condition


class Reference(models.Model):
    source_incident = models.ForeignKey(
        "incidents.Incident", models.CASCADE, null=True, blank=True, related_name="+"
    )
    source_timeline_entry = models.ForeignKey(
        "incidents.TimelineEntry", models.CASCADE, null=True, blank=True, related_name="+"
    )
    source_postmortem = models.ForeignKey(
        "postmortems.Postmortem", models.CASCADE, null=True, blank=True, related_name="+"
    )
    source_action_item = models.ForeignKey(
        "postmortems.ActionItem", models.CASCADE, null=True, blank=True, related_name="+"
    )
    source_runbook = models.ForeignKey(
        "runbooks.Runbook", models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_incident = models.ForeignKey(
        "incidents.Incident", models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    target_runbook = models.ForeignKey(
        "runbooks.Runbook", models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    target_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    written_as = models.CharField(max_length=220, help_text="The reference as the text wrote it.")
    sentence = models.CharField(max_length=320, help_text="The sentence around the mention.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_incident", "-created_at"], name="reference_incident_recent"),
            models.Index(fields=["target_runbook", "-created_at"], name="reference_runbook_recent"),
            models.Index(fields=["target_person", "-created_at"], name="reference_person_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=_exactly_one(SOURCE_FIELDS), name="reference_has_one_source"),
            models.CheckConstraint(condition=_exactly_one(TARGET_FIELDS), name="reference_has_one_target"),
        ]

    def __str__(self):
        return f"{self.written_as}: {self.sentence[:60]}"


class RunbookAlias(models.Model):
    """A title or slug a runbook had before it was renamed, so `[[Old title]]` and `runbook:old-slug` still work."""

    runbook = models.ForeignKey("runbooks.Runbook", models.CASCADE, related_name="aliases")
    title = models.CharField(max_length=200, blank=True, db_index=True, help_text="Stored lower-case.")
    slug = models.SlugField(max_length=200, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "runbook aliases"

    def __str__(self):
        return f"{self.title or self.slug} → {self.runbook_id}"
