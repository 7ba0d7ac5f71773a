"""One table holding a searchable copy of everything the site knows: incidents, postmortems, action items, runbooks.

Each row is kept in sync with its source object by signals (see `search.signals`). On PostgreSQL the row carries a
stored, weighted `tsvector` (title A, keywords B, body C) behind a GIN index; on SQLite an FTS5 virtual table,
`search_fts`, mirrors the rows through triggers. Both are created by this app's migrations.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchVectorColumn(SearchVectorField):
    """A `tsvector` on PostgreSQL; elsewhere an unused text column, so the same migrations apply on SQLite."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


class SearchDocument(models.Model):
    content_type = models.ForeignKey(ContentType, models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(max_length=30, db_index=True, help_text="A kind registered in search.registry.")
    title = models.CharField(max_length=300)
    keywords = models.TextField(
        blank=True, help_text="Tags, services, categories, team: weighted between title and body."
    )
    body = models.TextField(blank=True, help_text="Plain text (Markdown already rendered and stripped).")
    url = models.CharField(max_length=300, blank=True)
    services = models.ManyToManyField("incidents.Service", blank=True, related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True, help_text="When the source object last changed.")
    search_vector = SearchVectorColumn(null=True, editable=False)

    class Meta:
        indexes = [
            # Candidate selection takes the newest matches first (search.backends.candidates).
            models.Index(fields=["updated_at", "id"], name="search_doc_updated"),
            models.Index(fields=["kind", "updated_at", "id"], name="search_doc_kind_updated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="one_search_document_per_object"
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.title}"
