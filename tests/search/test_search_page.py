"""The search page: ranking, snippets, phrases, prefixes, filters, bad input — on SQLite and PostgreSQL."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.models import Service
from search.backends import SNIPPET_END, SNIPPET_PREFIX_CHARS, SNIPPET_START, marked_snippet
from search.models import SearchDocument

from .conftest import postgres_only, sqlite_only

pytestmark = pytest.mark.django_db


def search(client, **params):
    response = client.get(reverse("search:search"), params)
    assert response.status_code == 200
    return response


def hit_titles(response):
    return [hit.title for _, hits in response.context["groups"] for hit in hits]


def test_title_hit_ranks_above_body_hit(viewer_client, make_runbook, filler_runbooks):
    make_runbook(
        "High memory on search-api", "Check the connection pool. " * 8 + "\n\nThe connection pool leaks."
    )
    make_runbook("Connection pool exhaustion", "When the database refuses new connections.")
    response = search(viewer_client, q="connection pool")
    assert hit_titles(response) == ["Connection pool exhaustion", "High memory on search-api"]


def test_snippet_highlights_matches_and_escapes_everything_else(viewer_client, make_runbook):
    make_runbook("Rollback", "Drain the pool when load < 5 & queue > 100 `<script>alert(1)</script>`")
    html = search(viewer_client, q="pool").content.decode()
    assert "<mark>pool</mark>" in html
    assert "load &lt; 5 &amp; queue" in html
    assert "<script>alert(1)" not in html


def test_phrase_query_needs_the_words_together(viewer_client, make_runbook, filler_runbooks):
    make_runbook("Node alarms", "The disk full alarm fired on every node.")
    make_runbook("Backups", "A full backup of the disk runs nightly.")
    assert hit_titles(search(viewer_client, q='"disk full"')) == ["Node alarms"]
    assert sorted(hit_titles(search(viewer_client, q="disk full"))) == ["Backups", "Node alarms"]


def test_prefix_query_matches_longer_words(viewer_client, make_runbook, filler_runbooks):
    make_runbook("TLS certificate renewal", "Renew with cert-manager.")
    assert hit_titles(search(viewer_client, q="certif*")) == ["TLS certificate renewal"]
    assert hit_titles(search(viewer_client, q="renew certif*")) == ["TLS certificate renewal"]


def test_words_are_stemmed(viewer_client, make_runbook):
    make_runbook("Queue backlog", "Consumers falling behind; scale the consumer deployment.")
    assert hit_titles(search(viewer_client, q="consumer scaling")) == ["Queue backlog"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("!!!  ???", "Type at least one word"),
        ("x" * 10_000, "too long"),
        ("*", "Type at least one word"),
    ],
)
def test_unsearchable_queries_get_a_clear_message(viewer_client, make_runbook, query, message):
    make_runbook("Connection pool exhaustion")
    response = search(viewer_client, q=query)
    assert message in response.content.decode()
    assert "groups" not in response.context


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced quote pool',
        'pool"',
        "'; DROP TABLE search_searchdocument; --",
        "pool OR 1=1 --",
        "NEAR(pool connection) AND title:pool",
        "pool:* & !connection | (",
        "certif** pool*",
        "the",
    ],
)
def test_hostile_or_odd_queries_never_fail(viewer_client, make_runbook, query):
    make_runbook("Connection pool exhaustion", "Pool settings.")
    response = search(viewer_client, q=query)
    assert "page_obj" in response.context or response.context["form"].errors
    assert SearchDocument.objects.count() == 1


def test_empty_query_shows_a_prompt(viewer_client):
    response = search(viewer_client, q="")
    assert "Type what you are looking for" in response.content.decode()
    assert search(viewer_client).status_code == 200


def test_results_are_grouped_by_kind_and_filterable(viewer_client, make_runbook, make_incident, service):
    make_incident(title="Orders database connection exhaustion", services=[service])
    make_runbook("Database connection exhaustion", services=[service])
    make_runbook("Connection leaks in workers")
    response = search(viewer_client, q="connection")
    assert [kind.name for kind, _ in response.context["groups"]] == ["incident", "runbook"]
    assert {k.name: n for k, n in response.context["kind_counts"]}["runbook"] == 2
    assert hit_titles(search(viewer_client, q="connection", kind="incident")) == [
        f"INC-{service.incidents.get().pk} Orders database connection exhaustion"
    ]
    by_service = hit_titles(search(viewer_client, q="connection", service=service.pk))
    assert sorted(by_service)[0] == "Database connection exhaustion"
    assert len(by_service) == 2


def test_unknown_kind_or_service_is_an_error_beside_the_field(viewer_client):
    response = search(viewer_client, q="pool", kind="spaceship", service="999999")
    errors = response.context["form"].errors
    assert "kind" in errors
    assert "service" in errors


def test_results_paginate(viewer_client, make_runbook, settings):
    for n in range(30):
        make_runbook(f"Pool runbook {n}")
    first = search(viewer_client, q="pool")
    assert first.context["page_obj"].paginator.count == 30
    assert len(hit_titles(first)) == 25
    assert len(hit_titles(search(viewer_client, q="pool", page=2))) == 5
    assert search(viewer_client, q="pool", page="abc").context["page_obj"].number == 1


def test_search_page_query_count_does_not_grow(viewer_client, make_runbook, service):
    def count():
        with CaptureQueriesContext(connection) as captured:
            search(viewer_client, q="pool")
        return len(captured)

    for n in range(3):
        make_runbook(f"Pool runbook {n}", services=[service])
    few = count()
    for n in range(40):
        make_runbook(
            f"More pool runbook {n}", services=[service, Service.objects.create(name=f"s{n}", team="t")]
        )
    assert count() == few


def test_search_needs_login(client):
    response = client.get(reverse("search:search"), {"q": "pool"})
    assert response.status_code == 302


@postgres_only
def test_or_between_words_matches_either_on_postgres(viewer_client, make_runbook):
    make_runbook("Kafka lag")
    make_runbook("Redis eviction")
    assert sorted(hit_titles(search(viewer_client, q="kafka or redis"))) == ["Kafka lag", "Redis eviction"]


@sqlite_only
def test_or_is_an_ordinary_word_on_sqlite(viewer_client, make_runbook):
    make_runbook("Kafka lag")
    make_runbook("Redis eviction")
    assert hit_titles(search(viewer_client, q="kafka or redis")) == []


def test_rebuild_command_restores_a_lost_index(make_runbook, make_incident, capsys):
    make_runbook("Connection pool exhaustion")
    make_incident(title="Checkout 502s")
    SearchDocument.objects.all().delete()
    call_command("rebuild_search_index")
    assert sorted(SearchDocument.objects.values_list("kind", flat=True)) == ["incident", "runbook"]
    assert "Indexed 2" in capsys.readouterr().out


def test_very_common_words_rank_only_the_newest_matches_and_say_so(viewer_client, make_runbook, monkeypatch):
    from search import backends

    monkeypatch.setattr(backends, "CANDIDATE_LIMIT", 3)
    for n in range(5):
        make_runbook(f"Pool runbook {n}")  # saved in order: 4 is the newest
    response = search(viewer_client, q="pool")
    assert sorted(hit_titles(response)) == ["Pool runbook 2", "Pool runbook 3", "Pool runbook 4"]
    assert response.context["capped"]
    assert "showing the best of the 3 most recently updated" in response.content.decode()
    assert not search(viewer_client, q='"pool runbook 1"').context["capped"]


def hit_snippets(response):
    return [str(hit.snippet) for _, hits in response.context["groups"] for hit in hits]


def test_a_document_of_one_repeated_word_is_found_with_a_marked_snippet(viewer_client, make_runbook):
    make_runbook("Repetition", "q " * 100_000)
    [snippet] = hit_snippets(search(viewer_client, q="q"))
    assert "<mark>q</mark>" in snippet


def test_snippet_is_read_from_a_bounded_prefix_of_the_document(viewer_client, make_runbook):
    make_runbook("Long runbook", "filler " * (SNIPPET_PREFIX_CHARS // 7 + 10) + "zebra")
    [snippet] = hit_snippets(search(viewer_client, q="zebra"))
    assert "<mark>" not in snippet


def test_snippet_highlights_a_stem_of_the_word_searched():
    assert f"{SNIPPET_START}scale{SNIPPET_END}" in marked_snippet("Then scale the consumers.", ["scaling"])


def test_a_kind_filter_finds_matches_older_than_the_newest_capped_ones(
    viewer_client, make_runbook, make_incident, monkeypatch
):
    from search import backends

    monkeypatch.setattr(backends, "CANDIDATE_LIMIT", 3)
    make_incident(title="Pool exhausted in checkout")  # older than every runbook below
    for n in range(3):
        make_runbook(f"Pool runbook {n}")
    assert "Pool exhausted in checkout" not in " ".join(hit_titles(search(viewer_client, q="pool")))
    assert "Pool exhausted in checkout" in " ".join(
        hit_titles(search(viewer_client, q="pool", kind="incident"))
    )


def test_kind_counts_and_total_count_the_ranked_matches(viewer_client, make_runbook, make_incident):
    make_incident(title="Pool exhausted in checkout")
    make_runbook("Pool runbook")
    make_runbook("Pool sizing")
    response = search(viewer_client, q="pool")
    assert {kind.name: n for kind, n in response.context["kind_counts"]}["runbook"] == 2
    assert response.context["page_obj"].paginator.count == 3
