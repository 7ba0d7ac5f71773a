"""Durations read as people say them, rounded to the last unit shown (never truncated)."""

from datetime import timedelta

import pytest

from documents.templatetags.documents import duration


@pytest.mark.parametrize(
    "value, shown",
    [
        (timedelta(minutes=9.96), "10 min"),
        (timedelta(minutes=241.8), "4 h 2 min"),
        (timedelta(minutes=241.4), "4 h 1 min"),
        (timedelta(minutes=59, seconds=40), "1 h"),
        (timedelta(seconds=29.6), "30 s"),
        (timedelta(seconds=59.5), "1 min"),
        (timedelta(hours=23, minutes=59, seconds=50), "1 d"),
        (timedelta(days=3, hours=4, minutes=31), "3 d 5 h"),
        (timedelta(minutes=-9.96), "-10 min"),
        (None, "—"),
    ],
)
def test_durations_are_rounded_to_the_unit_shown(value, shown):
    assert duration(value) == shown
