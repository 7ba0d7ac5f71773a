"""Issue 15's goals, judged against the bare floors of the same run."""

from perf.goals import GOALS, LIST_OR_DETAIL, MEETING_PAGE, Goal, evaluate
from perf.management.commands.bench_http import best_of_runs, markdown_table
from perf.pages import BENCH_PAGES, HELLO

FLOOR = {"p50_ms": 4.0, "p95_ms": 6.0, "requests_per_second": 200.0, "errors": 0}
BARE_HELLO = {"p50_ms": 0.3, "p95_ms": 0.5, "requests_per_second": 8000.0, "errors": 0}


def page(p50_ms=8.0, p95_ms=12.0, requests_per_second=100.0, errors=0):
    return {"p50_ms": p50_ms, "p95_ms": p95_ms, "requests_per_second": requests_per_second, "errors": errors}


def met(goal, measured, floor=FLOOR):
    return evaluate(goal, measured, floor=floor, bare_hello=BARE_HELLO)["met"]


def test_a_list_within_2_5_times_the_floor_and_40_percent_of_its_throughput_meets_its_goal():
    assert met(LIST_OR_DETAIL, page(p50_ms=9.9, requests_per_second=80)) is True


def test_a_list_slower_than_2_5_times_the_floors_p50_misses_its_goal():
    assert met(LIST_OR_DETAIL, page(p50_ms=10.1, requests_per_second=200)) is False


def test_a_list_under_40_percent_of_the_floors_throughput_misses_its_goal():
    assert met(LIST_OR_DETAIL, page(p50_ms=4.0, requests_per_second=79)) is False


def test_a_meeting_page_is_judged_by_its_p95_against_the_floors_p50():
    assert met(MEETING_PAGE, page(p50_ms=5, p95_ms=19.9, requests_per_second=1)) is True


def test_a_meeting_page_whose_p95_is_over_5_times_the_floor_misses_its_goal():
    assert met(MEETING_PAGE, page(p50_ms=5, p95_ms=20.1)) is False


def test_insights_may_take_10_times_the_floor_at_p95():
    assert met(GOALS["insights"], page(p95_ms=39.9)) is True


def test_hello_under_40_percent_of_the_bare_hellos_throughput_misses_its_goal():
    assert met(GOALS[HELLO], page(requests_per_second=1120)) is False


def test_hello_at_40_percent_of_the_bare_hellos_throughput_meets_its_goal():
    assert met(GOALS[HELLO], page(requests_per_second=3200)) is True


def test_a_page_that_met_its_limits_with_errors_misses_its_goal():
    assert met(LIST_OR_DETAIL, page(errors=3)) is False


def test_without_a_floor_a_goal_is_neither_met_nor_missed():
    assert met(LIST_OR_DETAIL, page(), floor={"skipped": "the floor did not answer 200"}) is None


def test_the_verdict_shows_the_figures_it_compared():
    verdict = evaluate(
        LIST_OR_DETAIL, page(p50_ms=12.4, requests_per_second=50), floor=FLOOR, bare_hello=BARE_HELLO
    )
    assert verdict["figures"] == ["p50 3.10×", "req/s 25 %"]


def test_the_goal_says_what_it_asks():
    assert (
        Goal(p50_x_floor=2.5, share_of_floor=0.4).describe() == "p50 ≤ 2.5× floor p50, req/s ≥ 40 % of floor"
    )


def test_every_goal_names_a_benchmarked_page():
    assert set(GOALS) <= {name for name, _ in BENCH_PAGES}


def test_the_floors_latency_is_the_lower_of_its_runs():
    runs = [page(p50_ms=3.0, requests_per_second=100), page(p50_ms=5.0, requests_per_second=300)]
    assert best_of_runs(runs)["p50_ms"] == 3.0


def test_the_floors_throughput_is_the_higher_of_its_runs():
    runs = [page(p50_ms=3.0, requests_per_second=100), page(p50_ms=5.0, requests_per_second=300)]
    assert best_of_runs(runs)["requests_per_second"] == 300


def test_the_table_marks_a_missed_goal():
    row = {"page": "incident list", **page(p50_ms=12.4), "p50_x_floor": 3.1, "p95_x_floor": 3.1}
    row["goal"] = evaluate(LIST_OR_DETAIL, row, floor=FLOOR, bare_hello=BARE_HELLO)
    table = markdown_table([row], {"incident list": 10})
    assert "| **missed** (p50 3.10×, req/s 50 %) |" in table
