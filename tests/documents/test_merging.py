"""Three-way merges of concurrent edits: different lines land together, only overlapping lines are asked about."""

import pytest

from documents.merging import merge_texts, parse_resolutions

BASE = "## Summary\nThe pool was small.\n\n## Impact\nCheckout failed.\n\n## Lessons\nNone yet.\n"


def test_changes_to_different_sections_both_land():
    theirs = BASE.replace("The pool was small.", "The pool was too small.")
    yours = BASE.replace("None yet.", "Alert on saturation.")
    result = merge_texts(base=BASE, theirs=theirs, yours=yours)
    assert result.text == BASE.replace("The pool was small.", "The pool was too small.").replace(
        "None yet.", "Alert on saturation."
    )


def test_changes_to_the_same_line_are_one_conflict():
    theirs = BASE.replace("Checkout failed.", "Checkout failed for 20 minutes.")
    yours = BASE.replace("Checkout failed.", "Checkout failed for everyone.")
    result = merge_texts(base=BASE, theirs=theirs, yours=yours)
    assert [(hunk.theirs_text, hunk.yours_text) for hunk in result.conflicts] == [
        ("Checkout failed for 20 minutes.\n", "Checkout failed for everyone.\n")
    ]


def test_an_unsettled_conflict_keeps_your_text_in_place():
    theirs = BASE.replace("Checkout failed.", "Theirs.")
    yours = BASE.replace("Checkout failed.", "Yours.")
    assert merge_texts(base=BASE, theirs=theirs, yours=yours).text == yours


@pytest.mark.parametrize(
    ("choice", "expected"), [("theirs", "Theirs.\n"), ("yours", "Yours.\n"), ("both", "Theirs.\nYours.\n")]
)
def test_a_settled_conflict_takes_the_chosen_side(choice, expected):
    theirs = BASE.replace("Checkout failed.\n", "Theirs.\n")
    yours = BASE.replace("Checkout failed.\n", "Yours.\n")
    result = merge_texts(base=BASE, theirs=theirs, yours=yours, resolutions={0: choice})
    assert result.text == BASE.replace("Checkout failed.\n", expected)


def test_a_missing_last_newline_is_not_a_conflict():
    result = merge_texts(base="a\nb", theirs="a\nb\n", yours="A\nb")
    assert result.is_clean


def test_only_known_choices_are_read_from_a_form():
    assert parse_resolutions(
        {"hunk-0": "theirs", "hunk-1": "drop table", "hunk-x": "yours", "title": "t"}
    ) == {0: "theirs"}
