import cProfile
import pstats

import pytest

from documents.markdown import headings, render, render_markdown

NORMAL_PARAGRAPH = (
    "## Impact on checkout\n\nAbout **38%** of [checkouts](https://example.com) failed with `502`; see the "
    "*timeline* below.\n\n| Step | Result |\n|---|---|\n| rollback | ok |\n\n- one\n- two\n\n"
)
# Inputs that made Python-Markdown (or a naive parser) take seconds to minutes for a few kilobytes.
PATHOLOGICAL = {
    "open brackets": "[",
    "nested brackets": "[" * 500 + "a" + "]" * 500,
    "unclosed links": "[a](",
    "open images": "![",
    "open footnotes": "[^",
    "repeated word": "q ",
    "open emphasis": "*a _b ",
    "runs of emphasis": "**",
    "backticks": "`a``",
    "open tags": "<a ",
    "link definitions": "[a]: <",
    "entities": "&#",
    "definition lists": "a\n: ",
    "nested quotes": ">",
    "mixed openers": "*[`<_",
}


def sized(unit, length):
    return (unit * (length // len(unit) + 1))[:length]


def calls_to_render(text):
    """Python function calls made while rendering: a deterministic measure of the work.

    Without a reference resolver: the parser's work is measured here; resolving is one query per kind."""
    profile = cProfile.Profile()
    profile.runcall(render, text)
    return pstats.Stats(profile).total_calls


def test_rendering_one_document_leaves_nothing_behind_for_the_next():
    first = render_markdown("Text[^1]\n\n[^1]: A footnote only the first document has.")
    assert "footnote only the first" in first
    second = render_markdown("Plain text")
    assert "footnote only the first" not in second


def test_headings_get_anchors_for_a_table_of_contents():
    assert '<h2 id="rollback">Rollback</h2>' in render_markdown("## Rollback")


def test_heading_anchor_drops_accents_and_punctuation():
    assert '<h3 id="cafe-is-down">Café is down!</h3>' in render_markdown("### Café is down!")


def test_fenced_code_keeps_its_language_class():
    assert '<code class="language-python">' in render_markdown("```python\nx = 1\n```")


def test_tables_are_rendered():
    assert "<td>1</td>" in render_markdown("| a |\n|---|\n| 1 |")


def test_headings_are_read_from_stored_html_down_to_the_level_asked():
    html = render_markdown("# Service\n\n## Roll *back*\n\n#### Detail")
    assert headings(html) == [
        {"level": 1, "id": "service", "name": "Service"},
        {"level": 2, "id": "roll-back", "name": "Roll back"},
    ]


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_input_costs_a_small_multiple_of_a_normal_document(name):
    # Python-Markdown needed hundreds of times a normal document's work for 10 KB of "[" (and it grew quadratically).
    length = 10_000
    normal = calls_to_render(sized(NORMAL_PARAGRAPH, length))
    hostile = calls_to_render(sized(PATHOLOGICAL[name], length))
    assert hostile < 20 * normal, f"{name}: {hostile} calls against {normal} for a normal document"


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_input_cost_grows_linearly_with_its_length(name):
    short = calls_to_render(sized(PATHOLOGICAL[name], 5_000))
    double = calls_to_render(sized(PATHOLOGICAL[name], 10_000))
    assert double < 2.5 * short, f"{name}: {double} calls for 10 KB against {short} for 5 KB"


def test_two_hundred_kilobytes_of_one_repeated_word_costs_less_than_a_tenth_as_much_normal_text():
    normal = calls_to_render(sized(NORMAL_PARAGRAPH, 20_000))
    assert calls_to_render(sized("q ", 200_000)) < normal
