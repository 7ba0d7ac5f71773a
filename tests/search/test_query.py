"""What someone types becomes words, phrases and prefixes — never query syntax."""

from search.backends import fts5_match
from search.query import MAX_QUERY_LENGTH, parse_query


def test_words_phrases_and_prefixes_are_separated():
    parsed = parse_query('Disk "connection  pool" certif* kube-proxy')
    assert parsed.words == ["disk", "kube", "proxy"]
    assert parsed.phrases == [["connection", "pool"]]
    assert parsed.prefixes == ["certif"]


def test_an_unbalanced_quote_is_just_ignored():
    parsed = parse_query('"disk full')
    assert parsed.is_searchable
    assert parsed.words == ["disk", "full"]
    assert not parsed.phrases


def test_query_syntax_characters_never_survive():
    parsed = parse_query('title:pool) OR NEAR(a b) AND "x" ; DROP TABLE -- *')
    assert all(term.isalnum() for term in parsed.highlight_terms)
    match = fts5_match(parsed)
    assert ":" not in match
    assert "(" not in match
    assert ";" not in match


def test_problems_are_messages_not_errors():
    assert parse_query("").problem == ""
    assert not parse_query("").is_searchable
    assert "at least one word" in parse_query("?!* ...").problem
    assert "too long" in parse_query("x" * (MAX_QUERY_LENGTH + 1)).problem
    assert "too many words" in parse_query(" ".join(f"w{n}" for n in range(40))).problem
