"""Ranked full-text search over SearchDocument: PostgreSQL's tsvector/tsquery, or SQLite's FTS5.

`search_documents(parsed_query, kind=None, service=None)` returns a queryset (over at most
CANDIDATE_LIMIT matches, the most recently updated) ordered best first — documents whose title matches the
whole query, then by rank — annotated with `title_hit`, `rank`, `title_source` and `snippet_source` (text
holding SNIPPET_START/SNIPPET_END around matches; `snippet_html` escapes it, then marks them).
Both backends weight title above keywords (tags, services) above body.
"""

import operator
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache, reduce

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.exceptions import FullResultSet
from django.db import connection
from django.db.models import BooleanField, CharField, F, FloatField, Func, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Left, Substr
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .indexing import SEARCH_CONFIG
from .models import SearchDocument

# Control characters never present in indexed text: marks matches until the snippet is escaped for HTML.
SNIPPET_START, SNIPPET_END = "\x02", "\x03"
SNIPPET_WORDS = 30
# Snippets come from the start of a document only: highlighting cost grows with the matches in the text it reads
# (quadratically in SQLite's snippet()), so it reads a bounded prefix, never a whole 200 KB body.
SNIPPET_PREFIX_CHARS = 10_000
CANDIDATE_LIMIT = 2000
# ts_rank weights for D, C, B, A: a title hit outweighs many body hits.
POSTGRES_WEIGHTS = [0.02, 0.1, 0.4, 1.0]
# bm25 column weights for title, keywords, body.
SQLITE_WEIGHTS = (10.0, 4.0, 1.0)


@dataclass
class SearchResults:
    documents: list[
        int
    ]  # the ids of the matching documents, best first (page_documents loads a page of them)
    count: int
    kind_counts: Counter  # matches per kind (ignoring the kind filter)
    capped: bool  # more documents match than CANDIDATE_LIMIT
    limit: int = 0


def run_search(parsed, kind=None, service=None, hidden=None):
    """Search once for a results page: the candidates are fetched a single time, with their rank, and reused for
    the counts and the order. Ranking in the same pass as matching reads each candidate once; a second query
    ranking the candidates by id read them all again (15 of the 17 ms of a search at 405,000 documents).
    Only the shown page then gets its highlighted title and snippet (page_documents). On PostgreSQL the database
    also orders and counts the candidates (_postgres_run_search); SQLite sends them here."""
    if not parsed.is_searchable:
        return SearchResults([], 0, Counter(), False)
    if connection.vendor == "postgresql":
        return _postgres_run_search(parsed, kind=kind, service=service, hidden=hidden)
    matched = list(_scored(candidates(parsed, service=service, hidden=hidden), parsed))
    capped = len(matched) >= CANDIDATE_LIMIT
    if kind and capped:  # the newest matches of this kind may lie beyond the overall cap
        scored = list(_scored(candidates(parsed, kind=kind, service=service, hidden=hidden), parsed))
    else:
        scored = [row for row in matched if not kind or row[1] == kind]
    scored.sort(key=_best_first, reverse=True)
    return SearchResults(
        documents=[row[0] for row in scored],
        count=len(scored),
        kind_counts=Counter(row[1] for row in matched),
        capped=capped,
        limit=CANDIDATE_LIMIT,
    )


def _postgres_run_search(parsed, kind=None, service=None, hidden=None):
    """run_search in one statement: the database ranks and counts the candidates and sends back only the ordered
    ids (an integer array) and the count per kind. Sending the 2,000 scored rows to Python to sort and count them
    cost more than finding them (the rows' conversion, most of all their timestamps)."""
    matched = _scored(candidates(parsed, service=service, hidden=hidden), parsed)
    statement, params = _compiled(matched)
    order = "title_hit DESC, rank DESC, updated_at DESC, id DESC"  # NULL updated_at first, as _best_first
    if kind:
        of_kind, kind_params = _compiled(
            _scored(candidates(parsed, kind=kind, service=service, hidden=hidden), parsed)
        )
        # Only when the overall cap is reached can the newest matches of this kind lie beyond it (CASE evaluates
        # the branch it takes, only).
        ids_sql = (
            f"CASE WHEN (SELECT count(*) FROM matched) >= %s "
            f"THEN (SELECT array_agg(id ORDER BY {order}) FROM of_kind) "
            f"ELSE (SELECT array_agg(id ORDER BY {order}) FROM matched WHERE kind = %s) END"
        )
        with_sql = f"matched AS MATERIALIZED ({statement}), of_kind AS ({of_kind})"
        params = (*params, *kind_params, CANDIDATE_LIMIT, kind)
    else:
        ids_sql = f"(SELECT array_agg(id ORDER BY {order}) FROM matched)"
        with_sql = f"matched AS MATERIALIZED ({statement})"
    sql = (
        f"WITH {with_sql} SELECT {ids_sql}, "
        "(SELECT count(*) FROM matched), "
        "(SELECT json_object_agg(kind, n) FROM (SELECT kind, count(*) AS n FROM matched GROUP BY kind) AS per_kind)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids, total, per_kind = cursor.fetchone()
    ids = ids or []
    return SearchResults(
        documents=ids,
        count=len(ids),
        kind_counts=Counter(per_kind or {}),
        capped=total >= CANDIDATE_LIMIT,
        limit=CANDIDATE_LIMIT,
    )


def _compiled(queryset):
    return queryset.query.get_compiler(using=queryset.db).as_sql()


def _best_first(row):
    """The order of ranked_documents (title hit, rank, updated_at, id; all descending), with a document never
    updated where the database puts NULL in a descending order: first on PostgreSQL, last on SQLite."""
    pk, _kind, title_hit, rank, updated_at = row
    if connection.vendor == "postgresql":
        updated = (updated_at is None, updated_at or 0)
    else:
        updated = (updated_at is not None, updated_at or 0)
    return (title_hit, rank, updated, pk)


def _scored(documents, parsed):
    """(id, kind, title_hit, rank, updated_at) of candidate documents."""
    if connection.vendor == "postgresql":
        query = postgres_tsquery(parsed)
        scores = {
            "title_hit": TitleMatches(F("search_vector"), query),
            "rank": SearchRank(F("search_vector"), query, weights=POSTGRES_WEIGHTS),
        }
    else:
        scores = _sqlite_scores(parsed)
    return documents.annotate(**scores).values_list("id", "kind", "title_hit", "rank", "updated_at")


def page_documents(parsed, ids):
    """The documents with these ids, in this order, with their highlighted title and snippet sources."""
    if connection.vendor == "postgresql":
        headlines = _postgres_headlines(postgres_tsquery(parsed))
    else:
        headlines = _sqlite_headlines(parsed)
    documents = (
        SearchDocument.objects.filter(id__in=ids)
        .defer("body", "keywords", "search_vector")  # the headlines are made in the database
        .annotate(**headlines)
        .prefetch_related("services")
    )
    by_id = {document.id: document for document in documents}
    return [by_id[pk] for pk in ids if pk in by_id]


def search_documents(parsed, kind=None, service=None):
    """Ranked matches among the CANDIDATE_LIMIT most recently updated documents that match at all."""
    if not parsed.is_searchable:
        return SearchDocument.objects.none()
    return ranked_documents(parsed, candidates(parsed, kind, service).values("id"))


def ranked_documents(parsed, ids):
    """The documents with these ids (a list or a subquery), annotated and ordered best first."""
    if connection.vendor == "postgresql":
        return _postgres_ranked(parsed, ids)
    return _sqlite_ranked(parsed, ids)


def candidates(parsed, kind=None, service=None, hidden=None):
    """The ids of matching documents, newest first, at most CANDIDATE_LIMIT of them.

    Ranking every match of a very common word in a large index costs time proportional to the matches; capping the
    set keeps a search's cost bounded (the page says so when the cap is reached, and more words narrow it).
    """
    if connection.vendor == "postgresql":
        matches = SearchDocument.objects.filter(search_vector=postgres_tsquery(parsed))
    else:
        matches = SearchDocument.objects.filter(
            id__in=RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [fts5_match(parsed)])
        )
    return narrow(matches, kind=kind, service=service, hidden=hidden).order_by("-updated_at", "-id")[
        :CANDIDATE_LIMIT
    ]


def narrow(documents, kind=None, service=None, hidden=None):
    """`hidden`: a Q of documents the searcher may not see (restricted_documents)."""
    if hidden is not None:
        documents = (
            documents.filter(_visible(hidden))
            if connection.vendor == "postgresql"
            else documents.exclude(hidden)
        )
    if kind:
        documents = documents.filter(kind=kind)
    if service:
        documents = documents.filter(services=service)
    return documents


def _visible(hidden):
    """exclude(hidden) as a ready-made SQL condition. Compiling the restricted documents' subqueries took longer
    than running them (8 ms a search, the database's whole work on a common word being ~10 ms); the Q is built once
    per user (restricted_documents), so its SQL is compiled once too and kept on it."""
    compiled = hidden.__dict__.setdefault("_compiled_exclusion", {})
    if connection.alias not in compiled:
        excluded = SearchDocument.objects.exclude(hidden)
        compiler = excluded.query.get_compiler(using=connection.alias)
        try:
            sql, params = excluded.query.where.as_sql(compiler, connection)
        except FullResultSet:  # nothing hidden (a superuser)
            sql, params = "TRUE", []
        compiled[connection.alias] = (sql, tuple(params))
    sql, params = compiled[connection.alias]
    return RawSQL(sql, params, output_field=BooleanField())


def snippet_for(document, parsed):
    """The highlighted snippet of a ranked document: PostgreSQL marked it already, SQLite's is marked here."""
    if connection.vendor == "postgresql":
        return snippet_html(document.snippet_source)
    return snippet_html(marked_snippet(document.snippet_source or "", parsed.highlight_terms))


def marked_snippet(text, terms, words=SNIPPET_WORDS):
    """About `words` words of `text` around the first word matching a term (or its stem), matches marked.

    Linear in the text: one pass finds the words, one regex marks those in the window.
    """
    stems = sorted({stem_of(term) for term in terms if term}, key=len, reverse=True)
    if not stems:
        return " ".join(text.split()[:words])
    matcher = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, stems)) + r")\w*", re.IGNORECASE)
    tokens = text.split()
    first = next((i for i, token in enumerate(tokens) if matcher.search(token)), 0)
    start = max(0, first - words // 3)
    window = " ".join(tokens[start : start + words])
    marked = matcher.sub(lambda m: f"{SNIPPET_START}{m.group(0)}{SNIPPET_END}", window)
    return ("… " if start else "") + marked + (" …" if start + words < len(tokens) else "")


def stem_of(word):
    """A crude English stem, enough to highlight "scale" for "scaling" (FTS5's Porter stemmer matched it)."""
    for suffix in ("ing", "ed", "es", "er", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def snippet_html(source):
    """Escape a snippet for HTML, then turn the match markers into <mark> elements."""
    escaped = escape(source or "")
    return mark_safe(escaped.replace(SNIPPET_START, "<mark>").replace(SNIPPET_END, "</mark>"))


# --- PostgreSQL -------------------------------------------------------------------------------------------------
def postgres_tsquery(parsed):
    """Words and phrases through websearch_to_tsquery (so `or` works), each synonym group as an OR of phrase
    queries, each prefix as `word:*` (the word is letters/digits only); all of them AND-ed."""
    groups = parsed.term_groups
    plain = " ".join(_websearch_term(group[0]) for group in groups if len(group) == 1)
    queries = [SearchQuery(plain, search_type="websearch", config=SEARCH_CONFIG)] if plain else []
    for group in groups:
        if len(group) > 1:
            queries.append(
                reduce(
                    operator.or_,
                    (
                        SearchQuery(
                            _websearch_term(alternative), search_type="websearch", config=SEARCH_CONFIG
                        )
                        for alternative in group
                    ),
                )
            )
    queries += [
        SearchQuery(f"{prefix}:*", search_type="raw", config=SEARCH_CONFIG) for prefix in parsed.prefixes
    ]
    return reduce(operator.and_, queries)


def _websearch_term(alternative):
    text = " ".join(alternative.words)
    return f'"{text}"' if alternative.together and len(alternative.words) > 1 else text


class TitleMatches(Func):
    """Does the query match the title alone? (the weight-A lexemes of the stored vector; no re-parsing)"""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        vector_sql, vector_params = compiler.compile(self.source_expressions[0])
        query_sql, query_params = compiler.compile(self.source_expressions[1])
        return f"(ts_filter({vector_sql}, '{{a}}') @@ {query_sql})", (*vector_params, *query_params)


def _postgres_ranked(parsed, candidate_ids):
    query = postgres_tsquery(parsed)
    return (
        SearchDocument.objects.filter(id__in=candidate_ids)
        .annotate(
            title_hit=TitleMatches(F("search_vector"), query),
            rank=SearchRank(F("search_vector"), query, weights=POSTGRES_WEIGHTS),
            **_postgres_headlines(query),
        )
        .order_by("-title_hit", "-rank", "-updated_at", "-id")
    )


def _postgres_headlines(query):
    return {
        "title_source": SearchHeadline(
            "title",
            query,
            config=SEARCH_CONFIG,
            start_sel=SNIPPET_START,
            stop_sel=SNIPPET_END,
            highlight_all=True,
        ),
        "snippet_source": SearchHeadline(
            Left("body", SNIPPET_PREFIX_CHARS),
            query,
            config=SEARCH_CONFIG,
            start_sel=SNIPPET_START,
            stop_sel=SNIPPET_END,
            max_words=SNIPPET_WORDS,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
        ),
    }


# --- SQLite -----------------------------------------------------------------------------------------------------
def fts5_match(parsed):
    """An FTS5 MATCH expression: every term quoted (so nothing typed is syntax), each synonym group an OR
    group in parentheses, prefixes as "word"*; all of them AND-ed."""
    terms = []
    for group in parsed.term_groups:
        quoted = [_fts5_term(alternative) for alternative in group]
        terms.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
    terms += [f'"{prefix}"*' for prefix in parsed.prefixes]
    return " AND ".join(terms)


def _fts5_term(alternative):
    if alternative.together:
        return '"' + " ".join(alternative.words) + '"'
    return "(" + " AND ".join(f'"{word}"' for word in alternative.words) + ")"


def fts5_title_match(parsed):
    return f"title : ({fts5_match(parsed)})"


def _sqlite_ranked(parsed, candidate_ids):
    return (
        SearchDocument.objects.filter(id__in=candidate_ids)
        .annotate(**_sqlite_scores(parsed), **_sqlite_headlines(parsed))
        .order_by("-title_hit", "-rank", "-updated_at", "-id")
    )


def _sqlite_scores(parsed):
    table = SearchDocument._meta.db_table
    rank_sql = (
        f"SELECT bm25(search_fts, {', '.join(map(str, SQLITE_WEIGHTS))}) FROM search_fts "
        f"WHERE search_fts MATCH %s AND search_fts.rowid = {table}.id"
    )
    title_hit_sql = (
        f"EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH %s AND search_fts.rowid = {table}.id)"
    )
    return {
        "title_hit": RawSQL(title_hit_sql, [fts5_title_match(parsed)], output_field=BooleanField()),
        # bm25 is lower-is-better; negate it so both backends sort on a "higher is better" rank.
        "rank": RawSQL(f"-({rank_sql})", [fts5_match(parsed)], output_field=FloatField()),
    }


def _sqlite_headlines(parsed):
    table = SearchDocument._meta.db_table
    title_sql = (
        f"SELECT highlight(search_fts, 0, '{SNIPPET_START}', '{SNIPPET_END}') FROM search_fts "
        f"WHERE search_fts MATCH %s AND search_fts.rowid = {table}.id"
    )
    return {
        "title_source": RawSQL(title_sql, [fts5_match(parsed)], output_field=CharField()),
        "snippet_source": Substr("body", 1, SNIPPET_PREFIX_CHARS),
    }


# --- Similar documents: any of the words, best first ---------------------------------------------------------------
SIMILAR_MAX_WORDS = 16


def similar_objects(text, kind, limit=20):
    """[(object id, rank)] of `kind` documents sharing any word of `text` (title and summary of an incident being
    declared, say), best first: the OR of the words rather than a search's AND. Words shorter than four letters
    are left out (too common to mean anything). One query."""
    words = [word for word in dict.fromkeys(re.findall(r"\w+", (text or "").lower())) if len(word) >= 4]
    words = words[:SIMILAR_MAX_WORDS]
    if not words:
        return []
    if connection.vendor == "postgresql":
        query = SearchQuery(" or ".join(words), search_type="websearch", config=SEARCH_CONFIG)
        documents = (
            SearchDocument.objects.filter(kind=kind, search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query, weights=POSTGRES_WEIGHTS))
            .order_by("-rank", "-id")
        )
    else:
        match = " OR ".join(f'"{word}"' for word in words)
        table = SearchDocument._meta.db_table
        rank_sql = (
            f"SELECT -bm25(search_fts, {', '.join(map(str, SQLITE_WEIGHTS))}) FROM search_fts "
            f"WHERE search_fts MATCH %s AND search_fts.rowid = {table}.id"
        )
        documents = (
            SearchDocument.objects.filter(
                kind=kind, id__in=RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [match])
            )
            .annotate(rank=RawSQL(rank_sql, [match]))
            .order_by("-rank", "-id")
        )
    return list(documents.values_list("object_id", "rank")[:limit])


def restricted_documents(user):
    """A Q matching the documents of restricted incidents `user` may not see: the incident, its postmortem and its
    action items (incidents.selectors.hidden_incidents decides, as Incident.objects.visible_to does). Nothing for
    a superuser, who sees every incident. Built once per user and reused: it names only the user, the database
    looks up their roles and groups."""
    if getattr(user, "is_superuser", False):
        return Q(pk__in=[])
    authenticated = bool(getattr(user, "is_authenticated", False))
    return _restricted_documents(user.pk if authenticated else None, settings.HINDSIGHT_SECURITY_GROUP)


@lru_cache(maxsize=1024)
def _restricted_documents(user_pk, security_group):
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    from incidents.selectors import hidden_incidents

    user = get_user_model()(pk=user_pk) if user_pk is not None else AnonymousUser()
    hidden = hidden_incidents(user).values("pk")
    postmortems = apps.get_model("postmortems", "Postmortem").objects.filter(incident__in=hidden)
    items = apps.get_model("postmortems", "ActionItem").objects.filter(postmortem__incident__in=hidden)
    return (
        Q(kind="incident", object_id__in=hidden)
        | Q(kind="postmortem", object_id__in=postmortems.values("pk"))
        | Q(kind="action_item", object_id__in=items.values("pk"))
    )
