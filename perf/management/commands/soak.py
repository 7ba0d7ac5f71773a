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
from perf.machine import describe_machine
from perf.scale import seed_scale
from perf.server import running_gunicorn
from perf.soak import Owned, SoakClient

SOAK_PASSWORD = "soak-test-password"
SHARED_EDITORS = 2  # clients editing one postmortem at the same time
WRITE_KINDS = ["timeline_entries", "action_item_changes", "postmortem_saves", "shared_postmortem_saves"]
RESTART_COMMAND = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]


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

    def handle(self, *args, clients, seconds, port, restart_database, output, **options):
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
        restart = {}
        with running_gunicorn(
            port, extra_env={"CONN_MAX_AGE": "60"}, log_path="/tmp/hindsight-soak-gunicorn.log"
        ):
            started = time.monotonic()
            deadline = started + seconds
            run_tag = timezone.now().strftime("%Y%m%d%H%M%S")  # markers unique to this run
            threads = [
                SoakClient(n, f"http://127.0.0.1:{port}", owned[n], deadline, seed=n, run_tag=run_tag)
                for n in range(clients)
            ]
            for thread in threads:
                thread.start()
            if restart_database:
                restarter = threading.Timer(seconds * 0.4, self.restart_postgresql, args=(restart, started))
                restarter.start()
            for thread in threads:
                thread.join(timeout=seconds + 90)
            if restart_database:
                restarter.join()
        report = self.report(threads, restart, seconds, clients, started)
        path = Path(output or settings.BASE_DIR / "perf" / "results" / f"soak-{connection.vendor}.json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2) + "\n")
        self.stdout.write(json.dumps({k: v for k, v in report.items() if k != "lost"}, indent=2))
        failed = (
            report["lost_writes"]
            or report["server_errors"]
            or report["unfriendly_503s"]
            or report["unexpected_4xx"]
            or report["write_kinds_never_acknowledged"]
            or report["clients_that_never_logged_in"]
            or not report.get("recovered", True)
        )
        if failed:
            raise CommandError(f"Soak failed: see {path}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Soak passed: every write kind acknowledged, 0 lost writes, 0 server errors, 0 unprovoked 4xx. "
                f"Report: {path}"
            )
        )

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
