"""The blameless-language check: phrases that blame people instead of explaining the system.

The phrase list lives here and only here. `find_blaming_language(text)` returns findings, each with the
phrase, the line it is on and a suggested reframing. It warns; nothing in Hindsight refuses a save over it.
"""

import re
from dataclasses import dataclass

# (pattern, what was flagged, a blameless reframing). Patterns are case-insensitive regular expressions.
BLAMING_PHRASES = [
    (r"\bhuman errors?\b", "human error",
     "Describe what about the system made the mistake easy and its impact large (missing guard, confusing UI, "
     "no review step)."),
    (r"\bcareless(?:ly|ness)?\b", "careless",
     "Say what the tooling allowed: which check or confirmation was missing."),
    (r"\bnegligen(?:t|tly|ce)\b", "negligent",
     "Describe the conditions (time pressure, unclear ownership, missing alert) rather than judging a person."),
    (r"\bshould(?:n't| not)? have (?:known|noticed|checked|seen|realised|realized|caught)\b", "should have known",
     "Ask what information was available at the time, and how the system could have surfaced it."),
    (r"\b(?:the )?fault of\b|\b(?:was|is) (?:his|her|their|my|your) fault\b|\bat fault\b", "fault of",
     "Name the contributing factors in the system, not whose fault it was."),
    (r"\bforg(?:o|e)t(?:ten)? to\b", "forgot to",
     "Ask why the step depended on memory: can a checklist, automation or a default do it?"),
    (r"\bincompeten(?:t|ce)\b", "incompetent",
     "Describe the missing training, documentation or guard rails instead."),
]

_COMPILED = [(re.compile(pattern, re.IGNORECASE), label, suggestion) for pattern, label, suggestion in BLAMING_PHRASES]

# A cause sentence with a capitalised name as its subject: "Because Alice deployed …", "Caused by Bob …",
# "Bob's change caused …".
_NAMED_CAUSE = re.compile(
    r"\b(?i:because|caused by|due to|triggered by|broken by)\s+(?P<name>[A-Z][a-z]+)(?:'s)?\b"
    r"|\b(?P<subject>[A-Z][a-z]+)(?:'s)?\s+(?:\w+\s+)?(?:caused|broke|triggered|messed up|screwed up)\b"
)
# Capitalised words that are not people's names when they start a cause sentence.
_NOT_NAMES = {
    "The", "This", "That", "These", "Those", "A", "An", "It", "We", "Our", "Their", "They", "Which", "What",
    "Deploy", "Deployment", "Change", "Config", "Configuration", "Database", "Load", "Traffic", "Release",
    "Migration", "Certificate", "Network", "Alert", "Cache", "Service", "Team", "Nobody", "Someone", "Monitoring",
    "Kubernetes", "Postgres", "PostgreSQL", "DNS", "Nginx", "Envoy", "Redis", "Rollback", "Failover", "Capacity",
    "Disk", "Memory", "CPU", "Queue", "Latency", "Then", "When", "After", "Before", "Also", "And", "But", "So",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Yesterday", "Today",
}
# Words that make a sentence about causes; a known person's name in such a sentence is flagged.
_CAUSE_WORDS = re.compile(
    r"\b(?:caused?|because|due to|broke|broken|triggered|responsible|mistakes?|errors?|fault|led to|blame[ds]?)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
NAMED_CAUSE_SUGGESTION = (
    "Make the system the subject of the cause: what did the change, tool or process do, and what let it through?"
)


@dataclass(frozen=True)
class Finding:
    phrase: str  # the words as written
    label: str  # which rule matched
    suggestion: str
    line: int  # 1-based line number in the text


def find_blaming_language(text, people_names=None):
    """All blaming phrases in `text`, in reading order.

    `people_names`: the names people go by here (first names, surnames, usernames). When given, any of them in a
    sentence about causes is flagged, precisely. Without them a capitalised word as the subject of a cause
    ("Because Alice deployed …", "Dave's change broke …") is the best guess.
    """
    known_names = _names_pattern(people_names) if people_names is not None else None
    findings = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        in_line = [
            (match.start(), Finding(match.group(0), label, suggestion, number))
            for pattern, label, suggestion in _COMPILED
            for match in pattern.finditer(line)
        ]
        if known_names is None:
            in_line.extend(_capitalised_subjects_of_causes(line, number))
        else:
            in_line.extend(_known_people_in_cause_sentences(line, number, known_names))
        findings.extend(finding for _, finding in sorted(in_line, key=lambda pair: pair[0]))
    return findings


def _capitalised_subjects_of_causes(line, number):
    for match in _NAMED_CAUSE.finditer(line):
        name = match.group("name") or match.group("subject")
        if name in _NOT_NAMES:
            continue
        yield match.start(), Finding(match.group(0), "person named as the cause", NAMED_CAUSE_SUGGESTION, number)


def _names_pattern(people_names):
    """One whole-word pattern matching any distinct name of three letters or more (longest first)."""
    distinct = sorted({name.strip() for name in people_names if name and len(name.strip()) >= 3}, key=len, reverse=True)
    if not distinct:
        return None
    return re.compile(r"(?<![\w.@-])(?:" + "|".join(map(re.escape, distinct)) + r")(?![\w@-])")


def _known_people_in_cause_sentences(line, number, names):
    if names is None:
        return
    offset = 0
    for sentence in _SENTENCE_END.split(line):
        start = line.find(sentence, offset)
        offset = start + len(sentence)
        if _CAUSE_WORDS.search(sentence) and (match := names.search(sentence)):
            yield start + match.start(), Finding(
                sentence.strip(), "person named as the cause", NAMED_CAUSE_SUGGESTION, number
            )
