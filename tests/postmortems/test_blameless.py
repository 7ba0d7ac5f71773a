"""The blameless-language check flags blaming phrases with a reframing, and leaves system language alone."""

import pytest

from postmortems.blameless import BLAMING_PHRASES, find_blaming_language

from .blameless_corpus import BLAMELESS, BLAMING, PEOPLE


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("The outage was caused by human error.", "human error"),
        ("A careless config push removed the limit.", "careless"),
        ("Carelessly, the flag was flipped.", "careless"),
        ("The on-call engineer was negligent.", "negligent"),
        ("Ops should have known the disk was full.", "should have known"),
        ("They should have checked the dashboard.", "should have known"),
        ("The developer shouldn't have merged it.", "should have known"),
        ("It was the fault of the release manager.", "fault of"),
        ("It was his fault.", "fault of"),
        ("Someone forgot to renew the certificate.", "forgot to"),
        ("Because Alice deployed on Friday, checkout broke.", "person named as the cause"),
        ("The outage was caused by Bob running the migration.", "person named as the cause"),
        ("Dave's change broke the login page.", "person named as the cause"),
    ],
)
def test_blaming_phrases_are_flagged_with_a_suggestion(text, label):
    findings = find_blaming_language(text)
    assert [f.label for f in findings] == [label]
    assert findings[0].suggestion
    assert findings[0].phrase.lower() in text.lower()


@pytest.mark.parametrize(
    "text",
    [
        "The deploy pipeline did not check the connection pool size.",
        "The certificate expired because renewal depended on a manual calendar reminder.",
        "Because the alert threshold was 20%, the error spike went unnoticed for 12 minutes.",
        "The deploy caused a spike in 5xx errors.",
        "Monday's deploy broke checkout for 40 minutes.",
        "This is a blameless postmortem.",
        "We fixed the default so nobody has to remember it.",
        "Human factors: the runbook step was ambiguous.",
        "## Contributing factors",
    ],
)
def test_system_language_is_not_flagged(text):
    assert find_blaming_language(text) == []


def test_findings_report_line_numbers_in_reading_order():
    text = "## Summary\n\nAll good.\nA careless push, then human error."
    findings = find_blaming_language(text)
    assert [(f.line, f.label) for f in findings] == [(4, "careless"), (4, "human error")]


def test_every_phrase_in_the_list_has_a_reframing():
    for pattern, label, suggestion in BLAMING_PHRASES:
        assert pattern
        assert label
        assert len(suggestion) > 20


@pytest.mark.parametrize(
    "text",
    [
        "The rollout failed because elif.demir pushed the flag.",
        "Ben pushed a config that then caused the outage.",
        "The error came from the change Ben made.",
    ],
)
def test_people_involved_are_flagged_in_cause_sentences(text):
    findings = find_blaming_language(text, people_names=["Ben", "Kowalski", "elif.demir"])
    assert [f.label for f in findings] == ["person named as the cause"]


@pytest.mark.parametrize(
    "text",
    [
        "Ben rolled back the release within ten minutes.",  # a person acting, not a cause
        "The deploy caused errors. Ben paged the database team.",  # the name is in another sentence
        "Benchmark results caused the rollback.",  # a name inside a longer word
        "Because Elasticsearch ran out of disk, search failed.",  # not a person here
    ],
)
def test_people_involved_outside_cause_sentences_are_not_flagged(text):
    assert find_blaming_language(text, people_names=["Ben", "Kowalski"]) == []


def test_with_known_people_the_phrase_list_still_applies():
    findings = find_blaming_language("A careless push by Ben.", people_names=["Ben"])
    assert [f.label for f in findings] == ["careless"]


# --- The labelled corpus: how often the check is right on realistic sentences -----------------------------
def _flagged(sentence):
    return bool(find_blaming_language(sentence, people_names=PEOPLE))


def test_corpus_is_large_enough_and_balanced():
    assert len(BLAMING) + len(BLAMELESS) >= 60
    assert min(len(BLAMING), len(BLAMELESS)) >= 25


def test_corpus_precision_is_at_least_ninety_percent():
    true_positives = sum(_flagged(sentence) for sentence in BLAMING)
    false_positives = sum(_flagged(sentence) for sentence in BLAMELESS)
    assert true_positives / (true_positives + false_positives) >= 0.9


def test_corpus_recall_is_at_least_ninety_percent():
    true_positives = sum(_flagged(sentence) for sentence in BLAMING)
    assert true_positives / len(BLAMING) >= 0.9


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("An engineer made a typo in the load balancer config.", "typo"),
        ("The backup volume was deleted by accident.", "accidentally"),
        ("A developer accidentally pushed the staging credentials.", "accidentally"),
        ("The release was mistakenly labeled as a hotfix.", "mistake"),
        ("An operator inadvertently disabled replication.", "inadvertently"),
        ("A tired admin deleted the wrong directory.", "tired"),
        ("A tired admin deleted the wrong directory.", "deleted the wrong"),
        ("The operator was exhausted after a long shift.", "tired"),
        ("An administrator ran rm -rf on the data directory.", "a person as the cause"),
        ("Root cause: operator error.", "operator error"),
    ],
)
def test_widened_rules_flag_the_real_postmortem_examples(text, label):
    findings = find_blaming_language(text)
    assert label in [f.label for f in findings]
    assert all(f.suggestion for f in findings)


@pytest.mark.parametrize("account", ["root", "oncall", "admin", "deploy"])
def test_account_names_that_are_ordinary_words_are_not_people(account):
    text = f"The {account} cause was caused by a race in the cache; the {account} change broke nothing."
    assert find_blaming_language(text, people_names=[account, "Alice"]) == []


@pytest.mark.parametrize(
    "text",
    [
        "The connection pool was exhausted within two minutes.",
        "The cleanup script deleted the wrong directory because the path was empty.",
        "The on-call engineer rolled back the release.",
    ],
)
def test_system_subjects_of_the_widened_rules_are_not_flagged(text):
    assert find_blaming_language(text, people_names=PEOPLE) == []
