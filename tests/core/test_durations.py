from datetime import timedelta

from core.durations import format_duration


def test_under_a_day_is_hours_and_minutes():
    assert format_duration(timedelta(hours=4, minutes=2)) == "4 h 2 min"


def test_a_day_or_more_is_days_and_hours():
    assert format_duration(timedelta(days=3, hours=4)) == "3 d 4 h"


def test_without_days_long_durations_stay_in_hours():
    assert format_duration(timedelta(hours=26, minutes=5), days=False) == "26 h 5 min"


def test_minutes_round_half_up():
    assert format_duration(timedelta(minutes=9, seconds=58)) == "10 min"


def test_nothing_is_a_dash():
    assert format_duration(None) == "—"
