"""Issue 15's goals, page by page, as ratios to the bare floors measured in the same `make bench` run.

Latency figures are wrk's at 1 connection, throughput wrk's at 8 connections (perf/management/commands/bench_http.py).
"""

from dataclasses import dataclass

from .pages import HELLO


@dataclass(frozen=True)
class Goal:
    """Limits a page must keep; each one left None is not part of the goal."""

    p50_x_floor: float | None = None  # the page's p50 at most this many times the floor's p50
    p95_x_floor: float | None = None  # the page's p95 at most this many times the floor's p50
    share_of_floor: float | None = None  # the page's req/s at least this share of the floor's
    share_of_bare_hello: float | None = None  # the page's req/s at least this share of the bare hello's

    def describe(self) -> str:
        parts = []
        if self.p50_x_floor is not None:
            parts.append(f"p50 ≤ {self.p50_x_floor:g}× floor p50")
        if self.p95_x_floor is not None:
            parts.append(f"p95 ≤ {self.p95_x_floor:g}× floor p50")
        if self.share_of_floor is not None:
            parts.append(f"req/s ≥ {percent(self.share_of_floor)} of floor")
        if self.share_of_bare_hello is not None:
            parts.append(f"req/s ≥ {percent(self.share_of_bare_hello)} of bare hello")
        return ", ".join(parts)


LIST_OR_DETAIL = Goal(p50_x_floor=2.5, share_of_floor=0.4)
MEETING_PAGE = Goal(p95_x_floor=5)

GOALS = {
    "incident list": LIST_OR_DETAIL,
    "incident list, filtered": LIST_OR_DETAIL,
    "incident list, title search": LIST_OR_DETAIL,
    "incident detail": LIST_OR_DETAIL,
    "postmortem list": LIST_OR_DETAIL,
    "postmortem read": LIST_OR_DETAIL,
    "runbook list": LIST_OR_DETAIL,
    "runbook page": LIST_OR_DETAIL,
    "search": LIST_OR_DETAIL,
    "action-item review": MEETING_PAGE,
    "home": MEETING_PAGE,
    "insights": Goal(p95_x_floor=10),
    HELLO: Goal(share_of_bare_hello=0.4),
}


def evaluate(goal: Goal, page: dict, *, floor: dict, bare_hello: dict) -> dict:
    """Whether `page` meets `goal`: {"goal", "met" (None when a figure is missing), "figures" (what was compared)}.

    `page`, `floor` and `bare_hello` carry wrk's figures: p50_ms and p95_ms at 1 connection, requests_per_second at
    8 connections, and errors (non-2xx responses and socket errors, any of which fails the page).
    """
    verdict: dict = {"goal": goal.describe(), "met": None, "figures": []}
    checks: list[bool] = []

    def compare(
        label: str, value: float | None, limit: float, *, at_most: bool, as_share: bool = False
    ) -> None:
        if value is None:
            verdict["figures"].append(f"{label} not measured")
            return
        verdict["figures"].append(f"{label} {percent(value)}" if as_share else f"{label} {value:.2f}×")
        checks.append(value <= limit if at_most else value >= limit)

    floor_p50 = floor.get("p50_ms")
    if goal.p50_x_floor is not None:
        compare("p50", _ratio(page.get("p50_ms"), floor_p50), goal.p50_x_floor, at_most=True)
    if goal.p95_x_floor is not None:
        compare("p95", _ratio(page.get("p95_ms"), floor_p50), goal.p95_x_floor, at_most=True)
    if goal.share_of_floor is not None:
        share = _ratio(page.get("requests_per_second"), floor.get("requests_per_second"))
        compare("req/s", share, goal.share_of_floor, at_most=False, as_share=True)
    if goal.share_of_bare_hello is not None:
        share = _ratio(page.get("requests_per_second"), bare_hello.get("requests_per_second"))
        compare("req/s", share, goal.share_of_bare_hello, at_most=False, as_share=True)
    if page.get("errors"):
        verdict["figures"].append(f"{page['errors']} errors")
        checks.append(False)
    if len(checks) == len(verdict["figures"]) or False in checks:
        verdict["met"] = all(checks)
    return verdict


def percent(share: float) -> str:
    """0.4 → "40 %"."""
    return f"{share * 100:.0f} %"


def _ratio(value: float | None, reference: float | None) -> float | None:
    if value is None or not reference:
        return None
    return value / reference
