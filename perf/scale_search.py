"""The search index for bulk-loaded data: the documents `search.kinds` would write, built from plain rows.

`describe()` reads one object at a time through the ORM and parses its Markdown for references; for hundreds of
thousands of seeded objects that is most of a seeding run. Here each kind reads its rows and relations in a few
queries per chunk, and every text the scale data repeats (rendered bodies, reference look-ups) is worked out once.
The result is the same title, body, keywords, url, updated_at and services as `describe()` gives (a test holds
the two to that). A kind without a bulk describer here is indexed the ordinary way.
"""

from functools import cache

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Exists, OuterRef
from django.urls import reverse

from perf.bulk import insert_rows, loading, reserve_ids
from search.indexing import index_objects_in_bulk, weighted_vector
from search.kinds import html_as_plain_text, linked_titles, markdown_as_plain_text
from search.models import SearchDocument
from search.registry import IndexedText, all_kinds

CHUNK = 10_000
DOCUMENT_FIELDS = (
    "content_type",
    "object_id",
    "kind",
    "title",
    "keywords",
    "body",
    "url",
    "updated_at",
)
STAGING = "scale_search_staging"
_SENTINEL = 987654321


def index_missing(log=lambda message: None):
    """Index every registered object that has no search document yet; returns how many were indexed."""
    missing = {kind.name: _unindexed(kind) for kind in all_kinds()}
    adding = sum(len(pks) for pks in missing.values())
    if not adding:
        return 0
    describer = BulkDescriber()
    with loading(SearchDocument, SearchDocument.services.through, adding=adding):
        for kind in all_kinds():
            content_type_id = ContentType.objects.get_for_model(kind.model).pk
            describe_rows = getattr(describer, kind.name, None)
            pks = missing[kind.name]
            for start in range(0, len(pks), CHUNK):
                chunk = pks[start : start + CHUNK]
                if describe_rows is None:
                    index_objects_in_bulk(kind.model, chunk)
                else:
                    _write_documents(kind.name, content_type_id, describe_rows(chunk))
            log(f"  search index: {kind.name} done")
    return adding


def _unindexed(kind):
    """The ids of `kind`'s objects without a search document, in order."""
    documents = SearchDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(kind.model), object_id=OuterRef("pk")
    )
    return list(
        kind.model._default_manager.order_by("pk").filter(~Exists(documents)).values_list("pk", flat=True)
    )


def _write_documents(kind_name, content_type_id, described):
    """Insert (object id, IndexedText) pairs as documents with their services, search vectors computed in SQL."""
    documents, services = [], []
    for object_id, text in described:
        documents.append(
            (
                content_type_id,
                object_id,
                kind_name,
                text.title[:300],
                text.keywords.strip(),
                text.body,
                text.url[:300],
                text.updated_at,
            )
        )
        services.extend((object_id, service_id) for service_id in dict.fromkeys(text.service_ids))
    if connection.vendor == "postgresql":
        _insert_with_vectors(content_type_id, documents, services)
        return
    # SQLite's full-text table follows the rows through triggers.
    ids = reserve_ids(SearchDocument, len(documents))
    rows = [(pk, *row) for pk, row in zip(ids, documents, strict=True)]
    insert_rows(SearchDocument, ("id", *DOCUMENT_FIELDS), rows)
    document_of = {row[2]: row[0] for row in rows}
    insert_rows(
        SearchDocument.services.through,
        ("searchdocument", "service"),
        ((document_of[object_id], service_id) for object_id, service_id in services),
    )


def _insert_with_vectors(content_type_id, documents, services):
    """COPY into temporary tables, then INSERT … SELECT computing `weighted_vector()` (each row written once,
    rather than inserted and then updated) and the services joined to the new documents' ids."""
    table = SearchDocument._meta.db_table
    through = SearchDocument.services.through._meta.db_table
    columns = ", ".join(SearchDocument._meta.get_field(name).column for name in DOCUMENT_FIELDS)
    query = SearchDocument.objects.annotate(vector=weighted_vector()).query
    vector_sql, vector_params = query.get_compiler(connection=connection).compile(query.annotations["vector"])
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGING} AS SELECT {columns} FROM {table} WITH NO DATA")
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGING}_services (object_id bigint, service_id bigint)")
        with cursor.copy(f"COPY {STAGING} ({columns}) FROM STDIN") as copy:
            for row in documents:
                copy.write_row(row)
        with cursor.copy(f"COPY {STAGING}_services (object_id, service_id) FROM STDIN") as copy:
            for row in services:
                copy.write_row(row)
        # The staging table takes the real table's name in the SELECT, so the compiled vector's columns resolve.
        cursor.execute(
            f"INSERT INTO {table} ({columns}, search_vector)"
            f" SELECT {columns}, {vector_sql} FROM {STAGING} AS {table}",
            vector_params,
        )
        cursor.execute(
            f"INSERT INTO {through} (searchdocument_id, service_id)"
            f" SELECT document.id, staged.service_id FROM {STAGING}_services staged"
            f" JOIN {table} document ON document.content_type_id = %s AND document.object_id = staged.object_id",
            [content_type_id],
        )
        cursor.execute(f"DROP TABLE {STAGING}, {STAGING}_services")


class BulkDescriber:
    """One method per kind: object ids -> (object id, IndexedText) pairs, as `search.kinds.describe_*` gives."""

    def __init__(self):
        self.plain_text = cache(html_as_plain_text)
        self.markdown_plain_text = cache(markdown_as_plain_text)
        self._titles_linked_from = cache(linked_titles)
        Incident = apps.get_model("incidents", "Incident")
        self.service_names = _names_in_order(apps.get_model("incidents", "Service"))
        self.category_names = _names_in_order(apps.get_model("incidents", "Category"))
        self.incident_services = _related(Incident.services.through, "incident_id", "service_id")
        self._services_of: dict[int, list] = {}
        self.incident_url = _url_for_id("incidents:detail")
        self.postmortem_url = _url_for_id("postmortems:detail")

    def linked_titles(self, *texts):
        """`linked_titles(*texts)`, parsing each distinct text once: most texts link to nothing."""
        if not any(self._titles_linked_from(text) for text in texts):
            return ""
        return linked_titles(*texts)

    def services_of(self, incident_id):
        """[(id, name)] of the incident's services, in order (each incident's postmortem and items ask again)."""
        services = self._services_of.get(incident_id)
        if services is None:
            services = _in_order(self.incident_services.get(incident_id, ()), self.service_names)
            self._services_of[incident_id] = services
        return services

    def incident(self, ids):
        Incident = apps.get_model("incidents", "Incident")
        TimelineEntry = apps.get_model("incidents", "TimelineEntry")
        wanted, low, high = set(ids), ids[0], ids[-1]
        categories = _related(
            Incident.categories.through,
            "incident_id",
            "category_id",
            incident_id__gte=low,
            incident_id__lte=high,
        )
        timeline: dict[int, list[str]] = {}
        entries = (
            TimelineEntry.objects.filter(incident_id__gte=low, incident_id__lte=high)
            .order_by("incident_id", "occurred_at", "id")
            .values_list("incident_id", "text")
        )
        for incident_id, text in entries:
            timeline.setdefault(incident_id, []).append(text)
        rows = Incident.objects.filter(pk__range=(low, high)).values_list(
            "pk",
            "title",
            "summary",
            "customer_impact",
            "rendered_summary",
            "rendered_customer_impact",
            "updated_at",
        )
        for pk, title, summary, impact, rendered_summary, rendered_impact, updated_at in rows:
            if pk not in wanted:
                continue
            services = self.services_of(pk)
            entries_of = timeline.get(pk, [])
            body_parts = (
                self.plain_text(rendered_summary),
                self.plain_text(rendered_impact),
                "\n".join(entries_of),
            )
            names = _joined(services)
            category_names = _joined(_in_order(categories.get(pk, ()), self.category_names))
            yield (
                pk,
                IndexedText(
                    title=f"INC-{pk} {title}",
                    body="\n\n".join(part for part in body_parts if part),
                    keywords=f"{names} {category_names} {self.linked_titles(summary, impact, *entries_of)}",
                    url=self.incident_url(pk),
                    updated_at=updated_at,
                    service_ids=tuple(service_id for service_id, _ in services),
                ),
            )

    def postmortem(self, ids):
        Postmortem = apps.get_model("postmortems", "Postmortem")
        wanted = set(ids)
        rows = Postmortem.objects.filter(pk__range=(ids[0], ids[-1])).values_list(
            "pk", "title", "body", "rendered_body", "incident_id", "updated_at"
        )
        for pk, title, body, rendered_body, incident_id, updated_at in rows:
            if pk not in wanted:
                continue
            services = self.services_of(incident_id)
            yield (
                pk,
                IndexedText(
                    title=title,
                    body=self.plain_text(rendered_body),
                    keywords=f"{_joined(services)} INC-{incident_id} {self.linked_titles(body)}",
                    url=self.postmortem_url(pk),
                    updated_at=updated_at,
                    service_ids=tuple(service_id for service_id, _ in services),
                ),
            )

    def action_item(self, ids):
        ActionItem = apps.get_model("postmortems", "ActionItem")
        kind_labels = {value: str(label) for value, label in ActionItem.Kind.choices}
        wanted = set(ids)
        rows = ActionItem.objects.filter(pk__range=(ids[0], ids[-1])).values_list(
            "pk",
            "title",
            "description",
            "kind",
            "team",
            "updated_at",
            "postmortem_id",
            "postmortem__incident_id",
        )
        for pk, title, description, kind, team, updated_at, postmortem_id, incident_id in rows:
            if pk not in wanted:
                continue
            services = self.services_of(incident_id)
            label = kind_labels.get(kind, kind)
            yield (
                pk,
                IndexedText(
                    title=title,
                    body=self.markdown_plain_text(description),
                    keywords=f"{_joined(services)} {label} {team} {self.linked_titles(description)}",
                    url=f"{self.postmortem_url(postmortem_id)}#action-item-{pk}",
                    updated_at=updated_at,
                    service_ids=tuple(service_id for service_id, _ in services),
                ),
            )

    def runbook(self, ids):
        Runbook = apps.get_model("runbooks", "Runbook")
        tag_names = _names_in_order(apps.get_model("runbooks", "Tag"))
        in_range = {"runbook_id__gte": ids[0], "runbook_id__lte": ids[-1]}
        services = _related(Runbook.services.through, "runbook_id", "service_id", **in_range)
        tags = _related(Runbook.tags.through, "runbook_id", "tag_id", **in_range)
        wanted = set(ids)
        rows = Runbook.objects.filter(pk__range=(ids[0], ids[-1])).values_list(
            "pk", "title", "slug", "body", "rendered_body", "owner_team", "updated_at"
        )
        for pk, title, slug, body, rendered_body, owner_team, updated_at in rows:
            if pk not in wanted:
                continue
            its_services = _in_order(services.get(pk, ()), self.service_names)
            its_tags = _joined(_in_order(tags.get(pk, ()), tag_names))
            yield (
                pk,
                IndexedText(
                    title=title,
                    body=self.plain_text(rendered_body),
                    keywords=f"{its_tags} {_joined(its_services)} {owner_team} {self.linked_titles(body)}",
                    url=reverse("runbooks:detail", args=[slug]),
                    updated_at=updated_at,
                    service_ids=tuple(service_id for service_id, _ in its_services),
                ),
            )


def _names_in_order(model):
    """{pk: (position in the model's default ordering, name)}: related objects are listed in that order.
    Services, categories and tags display as their name."""
    return {
        pk: (position, name) for position, (pk, name) in enumerate(model.objects.values_list("pk", "name"))
    }


def _related(through, from_field, to_field, **filters):
    """A many-to-many table as {from id: [to ids]}."""
    related: dict[int, list[int]] = {}
    for from_id, to_id in through.objects.filter(**filters).values_list(from_field, to_field):
        related.setdefault(from_id, []).append(to_id)
    return related


def _in_order(ids, names):
    """[(id, name)] of `ids`, in their model's default ordering."""
    return sorted(((pk, names[pk][1]) for pk in ids), key=lambda pair: names[pair[0]][0])


def _joined(pairs):
    return " ".join(name for _, name in pairs)


def _url_for_id(view_name):
    """reverse(view_name, args=[pk]) without resolving every time."""
    head, tail = reverse(view_name, args=[_SENTINEL]).split(str(_SENTINEL))
    return lambda pk: f"{head}{pk}{tail}"
