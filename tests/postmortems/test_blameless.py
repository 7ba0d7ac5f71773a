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
