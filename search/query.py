"""Turn what someone typed into safe search terms: words, quoted phrases and `prefix*` terms.

Only runs of letters and digits survive, so nothing typed can reach a database's query syntax. Problems (too long,
nothing searchable) come back as a message to show rather than an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from .synonyms import alternatives, find_entries

MAX_QUERY_LENGTH = 300
MAX_TERMS = 24
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+")


@dataclass
class ParsedQuery:
    text: str = ""
    words: list = field(default_factory=list)
    phrases: list = field(default_factory=list)  # each a list of words
    prefixes: list = field(default_factory=list)
    problem: str = ""

    @property
    def is_searchable(self):
        return not self.problem and bool(self.words or self.phrases or self.prefixes)

    @property
    def highlight_terms(self):
        return [*self.words, *(w for phrase in self.phrases for w in phrase), *self.prefixes]

    @property
    def term_groups(self) -> list[tuple[Alternative, ...]]:
        """Every word and phrase to match, each with its synonyms (search.synonyms): a document must match
        one alternative of every group. A plain word or phrase is a group of one; prefixes are not included.

        Synonyms are phrases; what was typed keeps its meaning (unquoted words anywhere, a quoted phrase
        together).
        """
        groups = [_group(tuple(phrase), typed_together=True) for phrase in self.phrases]
        spans = find_entries(self.words)
        covered = {position for start, end in spans for position in range(start, end)}
        groups += [_group(tuple(self.words[start:end]), typed_together=False) for start, end in spans]
        groups += [
            (Alternative((word,)),) for position, word in enumerate(self.words) if position not in covered
        ]
        return groups


class Alternative(NamedTuple):
    words: tuple[str, ...]
    together: bool = True  # a phrase: the words next to each other, in order


def _group(words: tuple[str, ...], *, typed_together: bool) -> tuple[Alternative, ...]:
    typed, *others = alternatives(words)
    return (Alternative(typed, together=typed_together), *(Alternative(other) for other in others))


def parse_query(text):
    text = (text or "").strip()
    parsed = ParsedQuery(text=text)
    if not text:
        return parsed
    if len(text) > MAX_QUERY_LENGTH:
        parsed.problem = f"That search is too long: use at most {MAX_QUERY_LENGTH} characters."
        return parsed
    for match in _TOKEN.finditer(text):
        quoted, bare = match.groups()
        if quoted is not None:
            words = _WORD.findall(quoted.lower())
            if len(words) > 1:
                parsed.phrases.append(words)
            else:
                parsed.words.extend(words)
            continue
        words = _WORD.findall(bare.lower())
        if words and bare.endswith("*"):
            parsed.prefixes.append(words.pop())
        parsed.words.extend(words)
    if not parsed.is_searchable:
        parsed.problem = "Type at least one word or number to search for."
    elif len(parsed.highlight_terms) > MAX_TERMS:
        parsed.problem = f"That search has too many words: use at most {MAX_TERMS}."
    return parsed
