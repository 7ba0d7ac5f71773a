"""The ops vocabulary search treats as one meaning: type any form, find every form.

Each group is a set of words or phrases people use for the same thing in incident write-ups. A query that
contains one of them (as typed words or a quoted phrase) matches a document containing any of them, on
PostgreSQL (an OR of tsqueries) and SQLite (an FTS5 OR group) alike. Both databases stem words, so "expired"
also covers "expires"; list the forms stemming does not join ("expiry" / "expired", "rolled back" / "revert").

To extend it, add a tuple here (lower case, words separated by single spaces) and a test in
tests/search/test_synonyms.py. Keep groups small and unambiguous: every entry widens every search for its
words.
"""

SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("expiry", "expired", "expiration", "expire", "expiring"),
    ("rollback", "roll back", "rolled back", "rolling back", "revert", "reverted", "reverting"),
    (
        "disk full",
        "out of space",
        "no space left",
        "out of disk space",
        "filesystem full",
        "filesystem filled",
        "disk filled",
        "volume full",
        "volume filled",
        "partition full",
    ),
    ("oom", "out of memory", "oom killed", "oomkilled", "oom killer"),
    ("cert", "certs", "certificate"),
    ("db", "database"),
    ("k8s", "kubernetes"),
    ("pg", "postgres", "postgresql"),
    ("lb", "load balancer"),
    ("config", "configuration"),
    ("failover", "fail over", "failed over"),
    ("dns", "name resolution"),
    ("tls", "ssl"),
    ("creds", "credentials"),
    ("outage", "downtime"),
    ("ddos", "denial of service"),
)


def _index(groups: tuple[tuple[str, ...], ...]) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Every entry, as a tuple of words, to all the entries of its group (itself first)."""
    index: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    for group in groups:
        entries = [tuple(entry.split()) for entry in group]
        for entry in entries:
            index[entry] = (entry, *(other for other in entries if other != entry))
    return index


SYNONYMS = _index(SYNONYM_GROUPS)
LONGEST_ENTRY = max(len(entry) for entry in SYNONYMS)


def alternatives(words: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """All the ways to say `words` (each a tuple of words), or just `words` when it is not in any group."""
    return SYNONYMS.get(tuple(words), (tuple(words),))


def find_entries(words: list[str]) -> list[tuple[int, int]]:
    """Spans (start, end) of `words` that are synonym entries, longest first, not overlapping, in order."""
    spans = []
    position = 0
    while position < len(words):
        for length in range(min(LONGEST_ENTRY, len(words) - position), 0, -1):
            if tuple(words[position : position + length]) in SYNONYMS:
                spans.append((position, position + length))
                position += length
                break
        else:
            position += 1
    return spans
