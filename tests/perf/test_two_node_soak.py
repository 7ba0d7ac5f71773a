"""The two-node soak's judgement: errors count against it only outside the failover window, and it only passes
when the killed node came back and served again."""

from types import SimpleNamespace

from perf.haproxy import haproxy_config
from perf.management.commands.soak import Command
from perf.soak import Outcome


def client_with_failures(*times):
    return SimpleNamespace(outcome=Outcome(failures_at=list(times)))


def failover(**overrides):
    return {
        "killed": 100.0,
        "marked_down": 101.0,
        "restarting": 103.0,
        "marked_up": 106.0,
        "served_by_node2_when_back": 40,
        "served_by_node": {"node1": 300, "node2": 90},
        **overrides,
    }


def test_errors_while_the_killed_node_is_taken_out_are_allowed():
    report = Command().failover_report([client_with_failures(100.2, 101.5)], failover(), started=92.0)
    assert report["errors_outside_failover_window"] == 0


def test_an_error_after_the_failover_window_is_counted():
    report = Command().failover_report([client_with_failures(100.2, 104.0)], failover(), started=92.0)
    assert report["errors_outside_failover_window"] == 1


def test_a_node_that_never_served_again_did_not_fail_over():
    report = Command().failover_report([], failover(served_by_node={"node1": 300, "node2": 40}), started=92.0)
    assert report["failed_over"] is False


def test_haproxy_balances_over_every_node_with_health_checks():
    config = haproxy_config(8000, 8003, [8001, 8002])
    assert "server node2 127.0.0.1:8002 check" in config
