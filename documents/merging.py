"""Three-way merges of concurrent edits, by line, with the `merge3` library.

base is the text the editor was opened on, theirs what was saved meanwhile, yours what is being saved. Changes to
different lines land together; a region both sides changed differently is a `ConflictHunk`, which a person
settles by picking a side (a `resolutions` entry) or by editing their text.
"""

from dataclasses import dataclass, field
from typing import Literal

from merge3 import Merge3

Choice = Literal["yours", "theirs", "both"]
CHOICES: tuple[Choice, ...] = ("yours", "theirs", "both")


@dataclass(frozen=True)
class ConflictHunk:
    index: int
    base: list[str]
    theirs: list[str]
    yours: list[str]

    @property
    def theirs_text(self) -> str:
        return "".join(self.theirs)

    @property
    def yours_text(self) -> str:
        return "".join(self.yours)


@dataclass
class MergeResult:
    text: str
    conflicts: list[ConflictHunk] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.conflicts


def _lines(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"  # a last line without a newline must not conflict with the same line with one
    return lines


def merge_texts(
    *, base: str, theirs: str, yours: str, resolutions: dict[int, Choice] | None = None
) -> MergeResult:
    """Merge `yours` and `theirs` against `base`. Conflicting regions are numbered from 0 in text order; those
    named in `resolutions` take the chosen side, the others are returned as conflicts (yours stands in the text)."""
    resolutions = resolutions or {}
    base_lines, their_lines, your_lines = _lines(base), _lines(theirs), _lines(yours)
    merger = Merge3(base_lines, their_lines, your_lines)
    merged: list[str] = []
    conflicts: list[ConflictHunk] = []
    index = 0
    for region in merger.merge_regions():
        kind = region[0]
        if kind == "unchanged":
            merged.extend(base_lines[region[1] : region[2]])
        elif kind in ("a", "same"):
            merged.extend(their_lines[region[1] : region[2]])
        elif kind == "b":
            merged.extend(your_lines[region[1] : region[2]])
        else:  # conflict: (kind, base_start, base_end, theirs_start, theirs_end, yours_start, yours_end)
            assert len(region) == 7
            hunk = ConflictHunk(
                index=index,
                base=base_lines[region[1] : region[2]],
                theirs=their_lines[region[3] : region[4]],
                yours=your_lines[region[5] : region[6]],
            )
            choice = resolutions.get(index)
            if choice == "theirs":
                merged.extend(hunk.theirs)
            elif choice == "both":
                merged.extend(hunk.theirs + hunk.yours)
            else:
                merged.extend(hunk.yours)
                if choice != "yours":
                    conflicts.append(hunk)
            index += 1
    return MergeResult(text="".join(merged), conflicts=conflicts)


def parse_resolutions(data, prefix: str = "hunk-") -> dict[int, Choice]:
    """The per-hunk choices posted by the conflict page (`hunk-0=theirs` …); anything else is ignored."""
    resolutions: dict[int, Choice] = {}
    for key, value in data.items():
        if key.startswith(prefix) and key[len(prefix) :].isdigit() and value in CHOICES:
            resolutions[int(key[len(prefix) :])] = value
    return resolutions
