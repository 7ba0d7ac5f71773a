"""Line diffs between two texts, shaped for a template."""

import difflib


def line_diff(old_text, new_text, context=3):
    """A list of (kind, text) rows: kind is 'add', 'del', 'same' or 'gap' (a skipped run of unchanged lines)."""
    old_lines, new_lines = (old_text or "").splitlines(), (new_text or "").splitlines()
    rows = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if rows:
            rows.append(("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(("same", line) for line in old_lines[i1:i2])
            else:
                rows.extend(("del", line) for line in old_lines[i1:i2])
                rows.extend(("add", line) for line in new_lines[j1:j2])
    return rows
