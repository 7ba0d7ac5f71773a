"""Keep SearchDocument rows in step with the objects they describe."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction

from .models import SearchDocument
from .registry import all_kinds, kind_for_model

SEARCH_CONFIG = "english"


def weighted_vector():
    """Title counts most, then tags/services/categories, then the body."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("keywords", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


def index_object(obj):
    """Create or refresh the search document for `obj` (a registered kind's instance)."""
    kind = kind_for_model(type(obj))
    if kind is None or obj.pk is None:
        return None
    text = kind.describe(obj)
    with transaction.atomic():
        document, _ = SearchDocument.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            defaults={
                "kind": kind.name,
                "title": text.title[:300],
                "body": text.body,
                "keywords": text.keywords.strip(),
                "url": text.url[:300],
                "updated_at": text.updated_at,
            },
        )
        document.services.set(text.service_ids)
        refresh_vectors(SearchDocument.objects.filter(pk=document.pk))
    return document


def refresh_vectors(documents):
    """Recompute the stored tsvector (PostgreSQL only; SQLite's FTS5 table follows through triggers)."""
    if connection.vendor == "postgresql":
        documents.update(search_vector=weighted_vector())


def remove_object(obj):
    SearchDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).delete()


def rebuild_index(kinds=None, batch_size=500):
    """Re-index every object of the given kinds (all by default); drop documents whose object is gone. Returns a count."""
    indexed = 0
    for kind in kinds or all_kinds():
        content_type = ContentType.objects.get_for_model(kind.model)
        present = set()
        for obj in kind.objects_for_rebuild().iterator(chunk_size=batch_size):
            index_object(obj)
            present.add(obj.pk)
            indexed += 1
        stale = SearchDocument.objects.filter(content_type=content_type).exclude(object_id__in=present)
        stale.delete()
    return indexed


def index_objects_in_bulk(model, pks, batch_size=500):
    """Index many objects of one kind in a few queries per batch (bulk imports skip the per-save signals).

    Replaces any documents those objects already had. Returns how many objects were indexed."""
    kind = kind_for_model(model)
    if kind is None:
        return 0
    content_type = ContentType.objects.get_for_model(model)
    through = SearchDocument.services.through
    pks = list(pks)
    for start in range(0, len(pks), batch_size):
        batch = pks[start : start + batch_size]
        objects = list(kind.objects_for_rebuild().filter(pk__in=batch))
        texts = [(obj.pk, kind.describe(obj)) for obj in objects]
        SearchDocument.objects.filter(content_type=content_type, object_id__in=batch).delete()
        documents = SearchDocument.objects.bulk_create(
            SearchDocument(
                content_type=content_type,
                object_id=pk,
                kind=kind.name,
                title=text.title[:300],
                body=text.body,
                keywords=text.keywords.strip(),
                url=text.url[:300],
                updated_at=text.updated_at,
            )
            for pk, text in texts
        )
        through.objects.bulk_create(
            through(searchdocument_id=document.pk, service_id=service_id)
            for document, (_, text) in zip(documents, texts, strict=True)
            for service_id in set(text.service_ids)
        )
        refresh_vectors(SearchDocument.objects.filter(pk__in=[document.pk for document in documents]))
    return len(pks)
