"""Versioned Markdown documents: revision history and conflict-safe saving, shared by postmortems and runbooks.

A model inherits `VersionedDocument` (fields `body`, `version`, `rendered_body`, `updated_at`, `updated_by`) and
saves edits with `document.save_revision(author, expected_version)`. That save is a compare-and-swap on
`version`, so two people editing from the same version cannot silently overwrite each other: the second gets
`EditConflict` carrying the current text. Every successful save is a new `Revision`; nothing is ever lost.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.safestring import mark_safe

from core.limits import MAX_BODY_LENGTH, text_limit

from .markdown import render_markdown
from .merging import merge_texts


class EditConflict(Exception):
    """Someone saved the document after the version this edit was loaded from.

    After a failed merge, `hunks` holds the regions both sides changed and `base_version` the version the edit
    started from."""

    def __init__(self, current, hunks=None, base_version=None):
        super().__init__(f"{current!r} is now at version {current.version}")
        self.current = current
        self.hunks = hunks or []
        self.base_version = base_version


@dataclass(frozen=True)
class MergedChanges:
    """Whose saves an edit was merged with: versions after `base_version` up to `version`."""

    base_version: int
    version: int
    author: object
    saved_at: datetime


class Revision(models.Model):
    content_type = models.ForeignKey(ContentType, models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("content_type", "object_id")
    number = models.PositiveIntegerField(help_text="The document's version after this save.")
    title = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "number"], name="unique_revision_number"
            ),
        ]

    def __str__(self):
        return f"Revision {self.number} of {self.content_type.model} {self.object_id}"


class VersionedDocument(models.Model):
    body = models.TextField(blank=True, **text_limit(MAX_BODY_LENGTH))
    version = models.PositiveIntegerField(default=0, editable=False)
    rendered_body = models.TextField(blank=True, editable=False, help_text="Sanitised HTML cache of body.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revisions = GenericRelation(Revision)

    class Meta:
        abstract = True

    def revision_title(self):
        return getattr(self, "title", "") or str(self)

    @property
    def body_html(self):
        """The body as sanitised HTML, cached at save time."""
        return mark_safe(self.rendered_body)

    def save(self, *args, **kwargs):
        self.rendered_body = render_markdown(self.body)
        super().save(*args, **kwargs)

    def save_revision(
        self, author, expected_version=None, note="", *, merge=False, resolutions=None, theirs_version=None
    ):
        """Save this document as a new version, refusing if anyone saved since `expected_version`.

        `expected_version` is the version the editor loaded (None: whatever is current, for scripts).
        Raises EditConflict with the current document when someone else got there first — unless `merge`: then
        the edit is merged three-way with what they saved (see documents.merging); it lands when the two touched
        different lines (`self.merged_with` says with whose changes) and raises EditConflict carrying the
        overlapping hunks otherwise. `resolutions` settles hunks by index, when computed against `theirs_version`.
        """
        try:
            return self._save_revision(author, expected_version, note)
        except EditConflict as conflict:
            if not merge:
                raise
            return self._merge_and_save(
                author, expected_version, note, conflict.current, resolutions, theirs_version
            )

    def _merge_and_save(self, author, base_version, note, current, resolutions, theirs_version):
        base = self.revisions.filter(number=base_version).first()
        if base is None:
            raise EditConflict(current)
        if theirs_version != current.version:
            resolutions = None  # settled against a version that is no longer current: ask again
        result = merge_texts(base=base.body, theirs=current.body, yours=self.body, resolutions=resolutions)
        if not result.is_clean:
            raise EditConflict(current, hunks=result.conflicts, base_version=base_version)
        self.body = result.text
        if getattr(self, "title", None) == base.title and hasattr(current, "title"):
            self.title = current.title  # only they changed the title
        note = note or f"Merged with version {current.version}"
        self._save_revision(author, current.version, note)
        self.merged_with = MergedChanges(
            base_version=base_version,
            version=current.version,
            author=current.updated_by,
            saved_at=current.updated_at,
        )
        return self

    def _save_revision(self, author, expected_version, note):
        model = type(self)
        with transaction.atomic():
            if self.pk is None:
                self.version = 1
            else:
                if expected_version is None:
                    expected_version = (
                        model.objects.filter(pk=self.pk).values_list("version", flat=True).get()
                    )
                # Compare-and-swap: only one of two concurrent saves from the same version can win.
                claimed = model.objects.filter(pk=self.pk, version=expected_version).update(
                    version=expected_version + 1
                )
                if not claimed:
                    raise EditConflict(model.objects.select_related("updated_by").get(pk=self.pk))
                self.version = expected_version + 1
            self.updated_by = author
            self.save()
            Revision.objects.create(
                document=self,
                number=self.version,
                title=self.revision_title()[:300],
                body=self.body,
                author=author,
                note=note,
            )
        return self

    def restore_revision(self, revision, author):
        """Bring back an old revision's text as a new revision (history only ever grows)."""
        self.body = revision.body
        return self.save_revision(
            author, expected_version=self.version, note=f"Restored revision {revision.number}"
        )
