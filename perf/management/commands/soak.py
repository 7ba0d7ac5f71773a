import json
import subprocess
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from accounts.roles import EDITOR
from incidents.models import Incident, Service, Status, TimelineEntry
from perf.haproxy import node_states, running_haproxy
from perf.machine import describe_machine
from perf.scale import seed_scale
from perf.server import GunicornNode, running_gunicorn
from perf.soak import Owned, SoakClient

SOAK_PASSWORD = "soak-test-password"
SHARED_EDITORS = 2  # clients editing one postmortem at the same time
WRITE_KINDS = ["timeline_entries", "action_item_changes", "postmortem_saves", "shared_postmortem_saves"]
RESTART_COMMAND = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]
# Two-node runs: node 2 is killed (SIGKILL, workers and all) at 40% of the run and started again this long after.
NODE_DOWN_SECONDS = 3
# Requests running on the killed node when it dies fail; so may the next ones until HAProxy's health checks take
# it out (2 × 500 ms). Errors later than this after the kill fail the soak.
FAILOVER_GRACE_SECONDS = 1.0


def prepare_owned_objects(clients):
    """One user, open incident, draft postmortem and action item per client (re-used on later runs)."""
    Postmortem = apps.get_model("postmortems", "Postmortem")
    ActionItem = apps.get_model("postmortems", "ActionItem")
    editors = Group.objects.get(name=EDITOR)
    service, _ = Service.objects.get_or_create(name="soak-service", defaults={"team": "Soak"})
    password = make_password(SOAK_PASSWORD)
    owned = []
    for number in range(clients):
        user, _ = get_user_model().objects.update_or_create(
            username=f"soak-{number:02d}", defaults={"password": password, "first_name": f"Soak {number}"}
        )
        user.groups.add(editors)
        incident = Incident.objects.filter(title=f"Soak incident {number}").first()
        if incident is None:
            started = timezone.now() - timedelta(hours=1)
            incident = Incident.objects.create(
                title=f"Soak incident {number}",
                status=Status.INVESTIGATING,
                started_at=started,
                detected_at=started,
                created_by=user,
            )
            incident.services.add(service)
        postmortem = Postmortem.objects.filter(incident=incident).first()
        if postmortem is None:
            postmortem = Postmortem(incident=incident, title=f"Soak postmortem {number}", body="## Summary\n")
            postmortem.save_revision(user)
        item, _ = ActionItem.objects.get_or_create(postmortem=postmortem, title=f"Soak action item {number}")
        owned.append(Owned(user.username, SOAK_PASSWORD, incident.pk, postmortem.pk, item.pk, user.pk))
    shared = shared_postmortem(service, get_user_model().objects.get(username=owned[0].username))
    for client in owned[:SHARED_EDITORS]:
        client.shared_postmortem_id = shared.pk
    return owned


def shared_postmortem(service, author):
    """The postmortem SHARED_EDITORS clients edit at the same time (conflicts expected, lost lines not)."""
    Postmortem = apps.get_model("postmortems", "Postmortem")
    incident = Incident.objects.filter(title="Soak shared incident").first()
    if incident is None:
        started = timezone.now() - timedelta(hours=2)
        incident = Incident.objects.create(
            title="Soak shared incident",
            status=Status.INVESTIGATING,
            started_at=started,
            detected_at=started,
            created_by=author,
        )
        incident.services.add(service)
    postmortem = Postmortem.objects.filter(incident=incident).first()
    if postmortem is None:
        postmortem = Postmortem(incident=incident, title="Soak shared postmortem", body="## Timeline\n")
    postmortem.body = "## Timeline\n"  # each run starts from a short text
    postmortem.save_revision(author)
    return postmortem


def verify(client):
    """Every acknowledged write of one client, checked in the database: returns a list of what is missing."""
    Postmortem = apps.get_model("postmortems", "Postmortem")
    ActionItem = apps.get_model("postmortems", "ActionItem")
    Revision = apps.get_model("documents", "Revision")
    owned, ledger, lost = client.owned, client.ledger, []
    stored = Counter(
        TimelineEntry.objects.filter(
            incident_id=owned.incident_id, text__startswith=client.marker_prefix
        ).values_list("text", flat=True)
    )
    lost += [f"timeline entry {text!r}" for text in ledger.timeline_texts if stored[text] != 1]
    if ledger.action_statuses:
        status = ActionItem.objects.values_list("status", flat=True).get(pk=owned.action_item_id)
        if status != ledger.action_statuses[-1]:
            lost.append(f"action item {owned.action_item_id}: {status} != {ledger.action_statuses[-1]}")
    if ledger.postmortem_bodies:
        postmortem = Postmortem.objects.get(pk=owned.postmortem_id)
        if postmortem.body.replace("\r\n", "\n") != ledger.postmortem_bodies[-1]:
            lost.append(f"postmortem {owned.postmortem_id}: last saved text missing")
        revisions = {
            body.replace("\r\n", "\n")
            for body in Revision.objects.filter(
                content_type__model="postmortem", object_id=owned.postmortem_id
            ).values_list("body", flat=True)
        }
        lost += [
            f"postmortem revision {body!r}" for body in ledger.postmortem_bodies if body not in revisions
        ]
    if ledger.shared_lines:
        shared_body = Postmortem.objects.values_list("body", flat=True).get(pk=owned.shared_postmortem_id)
        present = set(shared_body.replace("\r\n", "\n").splitlines())
        lost += [f"shared postmortem line {line!r}" for line in ledger.shared_lines if line not in present]
    return lost


class Command(BaseCommand):
    help = (
        "Soak test on loopback: gunicorn + N concurrent logged-in clients mixing reads and writes for a bounded "
        "time, optionally restarting PostgreSQL mid-run; then every acknowledged write is checked."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=50)
        parser.add_argument("--seconds", type=int, default=60, help="Duration of the load (max 600).")
        parser.add_argument("--port", type=int, default=18741)
        parser.add_argument(
            "--restart-database",
            action="store_true",
            help="Restart the local PostgreSQL cluster (pg_ctlcluster) at 40%% of the run.",
        )
        parser.add_argument("--output", help="JSON report (default perf/results/soak-<database>.json).")
        parser.add_argument(
            "--nodes",
            type=int,
            choices=[1, 2],
            default=1,
            help="2: two gunicorn nodes behind HAProxy on --port, sharing the database and --cache-url; node 2 "
            "is killed at 40%% of the run and restarted.",
        )
        parser.add_argument(
            "--cache-url",
            default="redis://127.0.0.1:6379/14",
            help="The Redis cache both nodes share (with --nodes 2).",
        )

    def handle(self, *args, clients, seconds, port, restart_database, output, nodes, cache_url, **options):
        if clients < SHARED_EDITORS:
            raise CommandError(
                f"--clients must be at least {SHARED_EDITORS} (two of them share a postmortem)."
            )
        if restart_database and connection.vendor != "postgresql":
            raise CommandError("--restart-database needs DATABASE_URL pointing at the local PostgreSQL.")
        seconds = max(5, min(seconds, 600))
        seed_scale(0.01, log=lambda message: None)  # something realistic to read
        owned = prepare_owned_objects(clients)
        connection.close()
        restart, failover = {}, {}
        if nodes == 2:
            threads, started = self.run_two_nodes(
                port, owned, seconds, cache_url, restart_database, restart, failover
            )
        else:
            with running_gunicorn(
                port, extra_env={"CONN_MAX_AGE": "60"}, log_path="/tmp/hindsight-soak-gunicorn.log"
            ):
                threads, started = self.run_clients(port, owned, seconds, restart_database, restart)
        report = self.report(threads, restart, seconds, clients, started)
        if failover:
            report.update(self.failover_report(threads, failover, started))
        path = Path(output or settings.BASE_DIR / "perf" / "results" / f"soak-{connection.vendor}.json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2) + "\n")
        self.stdout.write(json.dumps({k: v for k, v in report.items() if k != "lost"}, indent=2))
        # With two nodes, errors inside the failover window are the point of the test; anywhere else they fail it.
        errors_fail = not failover
        failed = (
            report["lost_writes"]
            or (errors_fail and (report["server_errors"] or report["unfriendly_503s"]))
            or report.get("errors_outside_failover_window")
            or not report.get("failed_over", True)
            or report["unexpected_4xx"]
            or report["write_kinds_never_acknowledged"]
            or report["clients_that_never_logged_in"]
            or not report.get("recovered", True)
        )
        if failed:
            raise CommandError(f"Soak failed: see {path}")
        errors = "errors only during the failover window" if failover else "0 server errors"
        self.stdout.write(
            self.style.SUCCESS(
                f"Soak passed: every write kind acknowledged, 0 lost writes, {errors}, 0 unprovoked 4xx. "
                f"Report: {path}"
            )
        )

    def run_clients(self, port, owned, seconds, restart_database, restart, during=None):
        """The clients against 127.0.0.1:port for `seconds`; `during(started)` runs beside them (the failover)."""
        started = time.monotonic()
        deadline = started + seconds
        run_tag = timezone.now().strftime("%Y%m%d%H%M%S")  # markers unique to this run
        threads = [
            SoakClient(n, f"http://127.0.0.1:{port}", owned[n], deadline, seed=n, run_tag=run_tag)
            for n in range(len(owned))
        ]
        for thread in threads:
            thread.start()
        helpers = []
        if restart_database:
            helpers.append(threading.Timer(seconds * 0.4, self.restart_postgresql, args=(restart, started)))
        if during:
            helpers.append(threading.Thread(target=during, args=(started,)))
        for helper in helpers:
            helper.start()
        for thread in threads:
            thread.join(timeout=seconds + 90)
        for helper in helpers:
            helper.join()
        return threads, started

    def run_two_nodes(self, port, owned, seconds, cache_url, restart_database, restart, failover):
        """Two gunicorn nodes (ports port+1, port+2) behind HAProxy on `port`, one database, one Redis cache."""
        env = {"CONN_MAX_AGE": "60", "CACHE_URL": cache_url, "REDIS_URL": cache_url}  # one name for both
        node_ports = [port + 1, port + 2]
        stats_port = port + 3
        log = "/tmp/hindsight-soak-node{}.log"
        cluster = [
            GunicornNode(node_port, extra_env=env, log_path=log.format(number))
            for number, node_port in enumerate(node_ports, start=1)
        ]
        try:
            for node in cluster:
                node.start()
            with running_haproxy(port, stats_port, node_ports, log_path="/tmp/hindsight-soak-haproxy.log"):

                def fail_over(started):
                    self.fail_over(cluster[1], stats_port, seconds, started, failover)

                threads, started = self.run_clients(
                    port, owned, seconds, restart_database, restart, fail_over
                )
                failover["served_by_node"] = {
                    name: served for name, (_, served) in node_states(stats_port).items()
                }
        finally:
            for node in cluster:
                node.stop()
        return threads, started

    def fail_over(self, node, stats_port, seconds, started, failover):
        """Kill `node` at 40% of the run, note when HAProxy takes it out, restart it, note when it is back in."""
        time.sleep(max(0.0, started + seconds * 0.4 - time.monotonic()))
        failover["killed"] = time.monotonic()
        node.kill()
        self.stdout.write(f"Killed node 2 at {failover['killed'] - started:.1f} s …")
        failover["marked_down"] = self.wait_for_state(stats_port, "node2", "DOWN")
        time.sleep(max(0.0, failover["killed"] + NODE_DOWN_SECONDS - time.monotonic()))
        failover["restarting"] = time.monotonic()
        node.start()
        failover["marked_up"] = self.wait_for_state(stats_port, "node2", "UP")
        failover["served_by_node2_when_back"] = node_states(stats_port)["node2"][1]
        self.stdout.write(f"Node 2 back in HAProxy at {failover['marked_up'] - started:.1f} s")

    @staticmethod
    def wait_for_state(stats_port, server, state, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if node_states(stats_port)[server][0] == state:
                return time.monotonic()
            time.sleep(0.1)
        return None

    def failover_report(self, threads, failover, started):
        """Where the errors fell: from the kill to FAILOVER_GRACE_SECONDS after HAProxy took the node out."""
        killed, down, up = failover["killed"], failover.get("marked_down"), failover.get("marked_up")
        window_end = (down or killed) + FAILOVER_GRACE_SECONDS
        failures = sorted(t for thread in threads for t in thread.outcome.failures_at)
        inside = [t for t in failures if killed <= t <= window_end]
        served_after = failover["served_by_node"].get("node2", 0) - failover.get(
            "served_by_node2_when_back", 0
        )
        return {
            "nodes": 2,
            "node_failover": {
                "killed_at_second": round(killed - started, 1),
                "haproxy_marked_down_after_seconds": round(down - killed, 2) if down else None,
                "restarted_after_seconds": round(failover["restarting"] - killed, 1),
                "haproxy_marked_up_after_seconds": round(up - killed, 1) if up else None,
                "failover_window_seconds": round(window_end - killed, 2),
                "errors_in_failover_window": len(inside),
                "requests_served_by_node": failover["served_by_node"],
                "requests_served_by_restarted_node": served_after,
            },
            "errors_outside_failover_window": len(failures) - len(inside),
            # Failed over: HAProxy took the dead node out, put it back, and it served requests again.
            "failed_over": bool(down and up and served_after > 0),
        }

    def restart_postgresql(self, restart, started):
        restart["began"] = time.monotonic()
        self.stdout.write(f"Restarting PostgreSQL at {restart['began'] - started:.1f} s …")
        subprocess.run(RESTART_COMMAND, check=True, capture_output=True, timeout=120)
        restart["ended"] = time.monotonic()
        self.stdout.write(f"PostgreSQL back after {restart['ended'] - restart['began']:.1f} s")

    def report(self, threads, restart, seconds, clients, started):
        statuses, lost = Counter(), []
        acknowledged = Counter()
        for thread in threads:
            statuses.update(thread.outcome.statuses)
            acknowledged.update(
                timeline_entries=len(thread.ledger.timeline_texts),
                action_item_changes=len(thread.ledger.action_statuses),
                postmortem_saves=len(thread.ledger.postmortem_bodies),
                shared_postmortem_saves=len(thread.ledger.shared_lines),
            )
            lost += verify(thread)
        unavailable = sorted(t for thread in threads for t in thread.outcome.unavailable)
        report = {
            "when": timezone.now().isoformat(timespec="seconds"),
            "machine": describe_machine(),
            "clients": clients,
            "seconds": seconds,
            "requests": sum(statuses.values()),
            "responses_by_status": {str(code): n for code, n in sorted(statuses.items())},
            "connection_errors": sum(thread.outcome.connection_errors for thread in threads),
            "server_errors": sum(len(thread.outcome.server_errors) for thread in threads),
            "unfriendly_503s": sum(thread.outcome.unfriendly_503s for thread in threads),
            "unexpected_4xx": sum(len(thread.outcome.unexpected_4xx) for thread in threads),
            "unexpected_4xx_examples": [
                f"{m} {p} {s}" for t in threads for m, p, s in t.outcome.unexpected_4xx
            ][:20],
            "shared_postmortem_conflicts": sum(thread.outcome.conflicts for thread in threads),
            "acknowledged_writes": {kind: acknowledged[kind] for kind in WRITE_KINDS},
            # A kind nobody managed to write means that part of the soak tested nothing: a failure.
            "write_kinds_never_acknowledged": [kind for kind in WRITE_KINDS if not acknowledged[kind]],
            "lost_writes": len(lost),
            "lost": lost[:50],
            "clients_that_never_logged_in": sum(1 for thread in threads if not thread.outcome.successes_at),
        }
        if restart:
            after = [t for thread in threads for t in thread.outcome.successes_at if t > restart["ended"]]
            report["database_restart"] = {
                "at_second": round(restart["began"] - started, 1),
                "took_seconds": round(restart["ended"] - restart["began"], 1),
                "friendly_503_responses": len(unavailable),
                "503_window_seconds": round(unavailable[-1] - unavailable[0], 1) if unavailable else 0,
                "successful_responses_after_restart": len(after),
            }
            report["recovered"] = len(after) > 0
        return report
