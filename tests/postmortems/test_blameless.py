"""The blameless-language check flags blaming phrases with a reframing, and leaves system language alone."""

import pytest

from postmortems.blameless import BLAMING_PHRASES, find_blaming_language


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("The outage was caused by human error.", "human error"),
        ("A careless config push removed the limit.", "careless"),
        ("Carelessly, the flag was flipped.", "careless"),
        ("The on-call engineer was negligent.", "negligent"),
        ("Ops should have known the disk was full.", "should have known"),
        ("They shouldn't have missed it; they should have checked the dashboard.", "should have known"),
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
        assert pattern and label and len(suggestion) > 20


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
