"""The blameless-language check: phrases that blame people instead of explaining the system.

The phrase list lives here and only here. `find_blaming_language(text)` returns findings, each with the
phrase, the line it is on and a suggested reframing. It warns; nothing in Hindsight refuses a save over it.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Who acts in a blaming sentence: an unnamed person described by their job.
_PERSON_ROLE = (
    r"(?:engineers?|operators?|admins?|administrators?|developers?|devs?|sres?|dbas?|on-?call(?: engineer)?|"
    r"team members?|employees?|contractors?|interns?|sysadmins?|staff(?: member)?)"
)
# What that person did that caused the incident (mitigating actions such as "rolled back" are left alone).
_CAUSAL_VERB = (
    r"(?:deleted|removed|dropped|truncated|overwrote|wiped|misconfigured|mistyped|mislabell?ed|pushed|"
    r"ran|executed|typed|entered|made|changed|modified|edited|disabled|ignored|missed|skipped|forgot|"
    r"broke|caused|merged|committed|applied|failed to|did not|didn't|neglected)"
)

# "The cleanup script deleted the wrong directory" describes the system: no person did it.
_MACHINES = ("script", "job", "tool", "command", "pipeline", "process", "cron", "automation")
_NOT_AFTER_A_MACHINE = "".join(f"(?<!{machine} )" for machine in _MACHINES)

# (pattern, what was flagged, a blameless reframing). Patterns are case-insensitive regular expressions.
BLAMING_PHRASES = [
    (
        r"\bhuman errors?\b",
        "human error",
        "Describe what about the system made the mistake easy and its impact large (missing guard, confusing UI, "
        "no review step).",
    ),
    (
        r"\b(?:operator|user|pilot|engineer|admin|developer|manual) errors?\b",
        "operator error",
        "Name the step that had no safety net: which confirmation, validation or automation would have "
        "caught it?",
    ),
    (
        r"\bcareless(?:ly|ness)?\b",
        "careless",
        "Say what the tooling allowed: which check or confirmation was missing.",
    ),
    (
        r"\b(?:sloppy|sloppiness|lazy|laziness|reckless(?:ly)?|stupid|dumb|clumsy|clumsily)\b",
        "judging word",
        "Drop the judgement and describe what happened and what the system allowed.",
    ),
    (
        r"\bnegligen(?:t|tly|ce)\b",
        "negligent",
        "Describe the conditions (time pressure, unclear ownership, missing alert) rather than judging a person.",
    ),
    (
        r"\bshould(?:n't| not)? have "
        r"(?:known|noticed|checked|seen|realised|realized|caught|double-checked|tested)\b"
        r"|\b(?:he|she|they|i|you|someone|somebody|nobody|"
        + _PERSON_ROLE
        + r")\s+should(?:n't| not)? have\b",
        "should have known",
        "Ask what information was available at the time, and how the system could have surfaced it.",
    ),
    (
        r"\b(?:the )?fault of\b|\b(?:was|is) (?:his|her|their|my|your) fault\b|\bat fault\b",
        "fault of",
        "Name the contributing factors in the system, not whose fault it was.",
    ),
    (
        r"\bforg(?:o|e)t(?:ten)? to\b",
        "forgot to",
        "Ask why the step depended on memory: can a checklist, automation or a default do it?",
    ),
    (
        r"\bincompeten(?:t|ce)\b",
        "incompetent",
        "Describe the missing training, documentation or guard rails instead.",
    ),
    (
        r"\bmade (?:a |an |the |one )?(?:\w+ )?typos?\b|\b(?:his|her|their|my|your) typos?\b"
        r"|\btypos? (?:by|from)\b|\bmistyp(?:ed|ing)\b|\bfat[- ]?finger(?:ed|ing|s)?\b",
        "typo",
        "Say what let a typo through: no validation, no dry run, no review, no confirmation of what would "
        "change.",
    ),
    (
        r"\baccidental(?:ly)?\b|\bby accident\b",
        "accidentally",
        "Describe what made the action easy to take by accident (no confirmation, production looked like "
        "staging) and what would stop it next time.",
    ),
    (
        r"\bmistak(?:e|es|en|enly)\b|\bby mistake\b",
        "mistake",
        "Describe the conditions that made the wrong choice look right, and the guard that would have caught "
        "it.",
    ),
    (
        r"\binadvertent(?:ly)?\b|\bunintentional(?:ly)?\b",
        "inadvertently",
        "Say what the tool did and why nothing asked for confirmation or showed what would change.",
    ),
    (
        r"\b(?:tired|exhausted|fatigued|sleepy|sleep-deprived|overworked)\s+(?:\w+\s+)?"
        + _PERSON_ROLE
        + r"\b"
        r"|\b(?:he|she|i|" + _PERSON_ROLE + r")\s+(?:was|were|felt|being)\s+(?:\w+\s+)?"
        r"(?:tired|exhausted|fatigued)\b",
        "tired",
        "Describe the working conditions instead (hours on call, pages that night, no hand-over) and what would "
        "spread the load.",
    ),
    (
        _NOT_AFTER_A_MACHINE + r"\b(?:deleted|removed|dropped|wiped|truncated|overwrote|restarted|rebooted|"
        r"killed|terminated|picked|chose|selected|clicked|typed|entered|edited|updated|used|copied|"
        r"(?:ran|pushed|deployed|applied) \S+(?: \S+)? (?:on|to|against|in))\s+the wrong\b",
        "deleted the wrong",
        "Say why the wrong target looked like the right one (naming, no confirmation, same prompt for every "
        "environment) and what would tell them apart.",
    ),
    (
        r"\b(?:an?|the|one|our|their|another)\s+(?:\w+\s+)?"
        + _PERSON_ROLE
        + r"(?:\s+on[- ]call|\s+on duty)?\s+(?:\w+ly\s+)?"
        + _CAUSAL_VERB
        + r"\b",
        "a person as the cause",
        "Make the system the subject: what did the command, tool or process do, and what let it through (no "
        "confirmation, no dry run, no review)?",
    ),
]

_COMPILED = [
    (re.compile(pattern, re.IGNORECASE), label, suggestion) for pattern, label, suggestion in BLAMING_PHRASES
]

# A cause sentence with a capitalised name as its subject: "Because Alice deployed …", "Caused by Bob …",
# "Bob's change caused …".
_NAMED_CAUSE = re.compile(
    r"\b(?i:because|caused by|due to|triggered by|broken by)\s+(?P<name>[A-Z][a-z]+)(?:'s)?\b"
    r"|\b(?P<subject>[A-Z][a-z]+)(?:'s)?\s+(?:\w+\s+)?(?:caused|broke|triggered|messed up|screwed up)\b"
)
# Capitalised words that are not people's names when they start a cause sentence.
_NOT_NAMES = {
    "The",
    "This",
    "That",
    "These",
    "Those",
    "A",
    "An",
    "It",
    "We",
    "Our",
    "Their",
    "They",
    "Which",
    "What",
    "Deploy",
    "Deployment",
    "Change",
    "Config",
    "Configuration",
    "Database",
    "Load",
    "Traffic",
    "Release",
    "Migration",
    "Certificate",
    "Network",
    "Alert",
    "Cache",
    "Service",
    "Team",
    "Nobody",
    "Someone",
    "Monitoring",
    "Kubernetes",
    "Postgres",
    "PostgreSQL",
    "DNS",
    "Nginx",
    "Envoy",
    "Redis",
    "Rollback",
    "Failover",
    "Capacity",
    "Disk",
    "Memory",
    "CPU",
    "Queue",
    "Latency",
    "Then",
    "When",
    "After",
    "Before",
    "Also",
    "And",
    "But",
    "So",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Yesterday",
    "Today",
}
# Words that make a sentence about causes; a known person's name in such a sentence is flagged.
_CAUSE_WORDS = re.compile(
    r"\b(?:caused?|because|due to|broke|broken|triggered|responsible|mistakes?|errors?|fault|led to|blame[ds]?)\b",
    re.IGNORECASE,
)
# Usernames that are also everyday words in a postmortem: never read as a person.
ORDINARY_ACCOUNT_NAMES = {
    "root",
    "admin",
    "administrator",
    "oncall",
    "on-call",
    "deploy",
    "deployer",
    "deployment",
    "ops",
    "devops",
    "sre",
    "system",
    "service",
    "services",
    "user",
    "users",
    "test",
    "tester",
    "demo",
    "viewer",
    "editor",
    "guest",
    "backup",
    "backups",
    "monitor",
    "monitoring",
    "build",
    "builder",
    "release",
    "support",
    "web",
    "www",
    "app",
    "api",
    "bot",
    "automation",
    "jenkins",
    "runner",
    "worker",
    "cron",
    "postgres",
    "mysql",
    "redis",
    "nginx",
    "operator",
    "engineer",
    "manager",
    "owner",
    "team",
    "security",
    "incident",
    "alert",
    "alerts",
    "status",
    "change",
    "cause",
    "error",
    "fix",
    "master",
    "main",
    "default",
    "nobody",
    "everyone",
    "ubuntu",
    "debian",
}
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
NAMED_CAUSE_SUGGESTION = "Make the system the subject of the cause: what did the change, tool or process do, and what let it through?"


@dataclass(frozen=True)
class Finding:
    phrase: str  # the words as written
    label: str  # which rule matched
    suggestion: str
    line: int  # 1-based line number in the text


def find_blaming_language(text: str | None, people_names: Iterable[str] | None = None) -> list[Finding]:
    """All blaming phrases in `text`, in reading order.

    `people_names`: the names people go by here (first names, surnames, usernames). When given, any of them in a
    sentence about causes is flagged, precisely. Without them a capitalised word as the subject of a cause
    ("Because Alice deployed …", "Dave's change broke …") is the best guess.
    """
    known_names = _names_pattern(people_names) if people_names is not None else None
    findings: list[Finding] = []
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
        yield (
            match.start(),
            Finding(match.group(0), "person named as the cause", NAMED_CAUSE_SUGGESTION, number),
        )


def _names_pattern(people_names):
    """One whole-word pattern matching any distinct name of three letters or more (longest first).

    Account names that are ordinary words ("root", "oncall", "deploy") are left out: "the root cause was
    caused by" names nobody.
    """
    distinct = sorted(
        {
            name.strip()
            for name in people_names
            if name and len(name.strip()) >= 3 and name.strip().lower() not in ORDINARY_ACCOUNT_NAMES
        },
        key=len,
        reverse=True,
    )
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
            yield (
                start + match.start(),
                Finding(sentence.strip(), "person named as the cause", NAMED_CAUSE_SUGGESTION, number),
            )
