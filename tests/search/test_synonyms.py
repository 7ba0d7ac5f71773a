"""Ops vocabulary: any form of a word in search.synonyms finds every form, on SQLite and PostgreSQL alike."""

import pytest
from django.urls import reverse

from search.backends import fts5_match
from search.query import parse_query
from search.synonyms import SYNONYM_GROUPS, SYNONYMS

pytestmark = pytest.mark.django_db


def hit_titles(client, query):
    response = client.get(reverse("search:search"), {"q": query})
    assert response.status_code == 200
    return sorted(hit.title for _, hits in response.context.get("groups", []) for hit in hits)


@pytest.mark.parametrize(
    ("query", "body"),
    [
        ("expiry", "The TLS certificate expired at 03:00 UTC."),
        ("expired", "Renewal ran a day after the expiry date."),
        ("rollback", "We rolled back payments-gateway to the previous build."),
        ("rolled back", "The rollback finished in four minutes."),
        ("roll back", "The deploy was reverted by the pipeline."),
        ("disk full", "The filesystem filled with debug logs on node 3."),
        ('"disk full"', "No space left on device errors from the writer."),
        ("OOM", "The worker ran out of memory while resizing images."),
        ("out of memory", "Pods were OOMKilled every few minutes."),
        ("cert", "The certificate chain was missing an intermediate."),
        ("db", "The primary database stopped accepting writes."),
        ("k8s", "Kubernetes evicted the pods under memory pressure."),
    ],
)
def test_a_synonym_finds_documents_using_another_form(
    viewer_client, make_runbook, filler_runbooks, query, body
):
    make_runbook("What happened", body)
    assert hit_titles(viewer_client, query) == ["What happened"]


def test_synonyms_combine_with_other_words(viewer_client, make_runbook, filler_runbooks):
    make_runbook("Checkout incident", "We rolled back the checkout service.")
    make_runbook("Search incident", "We rolled back the search indexer.")
    assert hit_titles(viewer_client, "checkout rollback") == ["Checkout incident"]


def test_a_phrase_synonym_needs_its_words_together(viewer_client, make_runbook, filler_runbooks):
    make_runbook("Scattered words", "Traffic rolled in; the team went back to bed.")
    assert hit_titles(viewer_client, "rollback") == []


def test_unrelated_words_are_not_expanded(viewer_client, make_runbook, filler_runbooks):
    make_runbook("Kafka lag", "Consumers fell behind.")
    assert hit_titles(viewer_client, "expiry") == []


def test_every_synonym_entry_is_lower_case_single_spaced_and_in_one_group_only():
    entries = [entry for group in SYNONYM_GROUPS for entry in group]
    assert len(entries) == len(set(entries))
    assert all(entry == " ".join(entry.lower().split()) for entry in entries)
    assert all(len(SYNONYMS[tuple(entry.split())]) >= 2 for entry in entries)


def test_sqlite_match_is_an_or_group_of_quoted_alternatives():
    match = fts5_match(parse_query("disk full checkout"))
    assert match.startswith('(("disk" AND "full") OR "out of space"')
    assert match.endswith(') AND "checkout"')


def test_expansion_does_not_count_against_the_term_limit():
    assert not parse_query(" ".join(["rollback"] * 20)).problem
