from documents.markdown import render_markdown


def test_rendering_one_document_leaves_nothing_behind_for_the_next():
    first = render_markdown("Text[^1]\n\n[^1]: A footnote only the first document has.\n\n*[HTML]: Hyper Text")
    assert "footnote only the first" in first
    second = render_markdown("HTML plain text")
    assert "footnote only the first" not in second and "<abbr" not in second


def test_headings_get_anchors_for_a_table_of_contents():
    assert '<h2 id="rollback">Rollback</h2>' in render_markdown("## Rollback")
