"""Turn what someone typed into safe search terms: words, quoted phrases and `prefix*` terms.

Only runs of letters and digits survive, so nothing typed can reach a database's query syntax. Problems (too long,
nothing searchable) come back as a message to show rather than an error.
"""

import re
from dataclasses import dataclass, field

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
