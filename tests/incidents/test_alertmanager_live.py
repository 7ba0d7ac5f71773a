"""The webhook driven by the real client: Debian's prometheus-alertmanager on loopback, sending to the live server.

Alerts are pushed through Alertmanager's v2 API; Alertmanager groups them and posts its webhook to Hindsight
exactly as it would in production. Waits are bounded polls, never sleeps that assume a speed.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from datetime import timedelta

import pytest
from django.core.signals import request_finished, request_started
from django.utils import timezone

from incidents.models import Alert, Incident, Service

ALERTMANAGER = (
    os.environ.get("HINDSIGHT_ALERTMANAGER_BINARY")
    or shutil.which("prometheus-alertmanager")
    or ("/usr/bin/prometheus-alertmanager")
)
TOKEN = "live-alertmanager-token"
WAIT_SECONDS = 90

pytestmark = [pytest.mark.alertmanager, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def config_text(webhook_url: str, group_by: list[str]) -> str:
    return json.dumps(
        {  # JSON is YAML
            "route": {
                "receiver": "hindsight",
                "group_by": group_by,
                "group_wait": "1s",
                "group_interval": "1s",
                "repeat_interval": "1h",
            },
            "receivers": [
                {
                    "name": "hindsight",
                    "webhook_configs": [
                        {
                            "url": webhook_url,
                            "send_resolved": True,
                            "http_config": {"authorization": {"type": "Bearer", "credentials": TOKEN}},
                        }
                    ],
                }
            ],
        }
    )


class RunningAlertmanager:
    def __init__(self, tmp_path, webhook_url):
        self.config = tmp_path / "alertmanager.yml"
        self.webhook_url = webhook_url
        self.write_config(["alertname"])
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                ALERTMANAGER,
                f"--config.file={self.config}",
                f"--storage.path={tmp_path / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--cluster.listen-address=",
                "--log.level=warn",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.is_ready, "Alertmanager to start")

    def write_config(self, group_by):
        self.config.write_text(config_text(self.webhook_url, group_by))

    def is_ready(self):
        try:
            with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def reload(self, group_by):
        self.write_config(group_by)
        request = urllib.request.Request(f"{self.url}/-/reload", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200

    def push(self, alerts):
        request = urllib.request.Request(
            f"{self.url}/api/v2/alerts",
            data=json.dumps(alerts).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


# One lock between the live server's request handling and the test's checks: on in-memory SQLite both threads
# share one connection, so a check must not read a notification's rows half written.
webhook_lock = threading.RLock()


def hold_lock_during_request(**kwargs):
    webhook_lock.acquire()


def release_lock_after_request(**kwargs):
    webhook_lock.release()


@pytest.fixture
def alertmanager(tmp_path, live_server, settings):
    if not os.path.exists(ALERTMANAGER):
        pytest.fail(f"{ALERTMANAGER} not found: install Debian's prometheus-alertmanager (.ci/run does).")
    settings.HINDSIGHT_ALERTMANAGER_TOKEN = TOKEN
    Service.objects.create(name="checkout-api", team="Payments")
    request_started.connect(hold_lock_during_request)
    request_finished.connect(release_lock_after_request)
    running = RunningAlertmanager(tmp_path, f"{live_server.url}/api/alerts/alertmanager/")
    yield running
    running.stop()
    request_started.disconnect(hold_lock_during_request)
    request_finished.disconnect(release_lock_after_request)


def wait_for(condition, what):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if not webhook_lock.acquire(timeout=WAIT_SECONDS):
            pytest.fail("A webhook request never finished.")
        try:
            if condition():
                return
        finally:
            webhook_lock.release()
        time.sleep(0.2)
    pytest.fail(f"Waited {WAIT_SECONDS} s for {what}.")


def node_down(n, resolved=False, **labels):
    now = timezone.now()
    alert = {
        "labels": {
            "alertname": "NodeDown",
            "instance": f"node-{n:04d}",
            "service": "checkout-api",
            "severity": "critical",
            "rack": "r1",
            **labels,
        },
        "annotations": {"summary": f"node-{n:04d} is not answering", "runbook_url": "https://wiki/node-down"},
        "generatorURL": "http://prometheus:9090/graph?g0.expr=up%3D%3D0",
        "startsAt": (now - timedelta(minutes=5)).isoformat(),
    }
    if resolved:
        alert["endsAt"] = (now - timedelta(seconds=5)).isoformat()
    return alert


def alerts_in(state):
    return Alert.objects.filter(state=state).count()


def test_a_firing_alert_opens_an_incident_and_its_resolve_lands_on_it(alertmanager):
    alertmanager.push([node_down(1)])
    wait_for(lambda: alerts_in(Alert.State.FIRING) == 1, "the incident")
    alertmanager.push([node_down(1, resolved=True)])
    wait_for(lambda: alerts_in(Alert.State.RESOLVED) == 1, "the resolve")
    incident = Incident.objects.get()
    assert incident.severity == 1
    assert incident.all_alerts_resolved
    assert Alert.objects.get().generator_url.startswith("http://prometheus:9090/graph")


def firing_counts_on_timeline(incident):
    """The N of every "+N firing" entry: one entry per notification, however many alerts it carried."""
    entries = incident.timeline.values_list("text", flat=True)
    return [int(re.search(r"\+([\d,]+) firing", text).group(1).replace(",", "")) for text in entries]


def test_a_1500_alert_group_opens_one_incident_with_one_entry_per_notification(alertmanager):
    alertmanager.push([node_down(n) for n in range(1500)])
    wait_for(lambda: alerts_in(Alert.State.FIRING) == 1500, "1,500 firing alerts")
    incident = Incident.objects.get()
    assert incident.alerts_total == 1500
    # Alertmanager may split the push over a few notifications (group_wait is 1 s here): each is one entry.
    assert sum(firing_counts_on_timeline(incident)) == 1500
    assert len(firing_counts_on_timeline(incident)) < 10


def test_a_partial_resolve_of_a_big_group_is_one_entry(alertmanager):
    alertmanager.push([node_down(n) for n in range(1500)])
    wait_for(lambda: alerts_in(Alert.State.FIRING) == 1500, "1,500 firing alerts")
    alertmanager.push([node_down(n, resolved=True) for n in range(312)])
    wait_for(lambda: alerts_in(Alert.State.RESOLVED) == 312, "312 resolves")
    incident = Incident.objects.get()
    assert incident.timeline.filter(text__contains="resolved").count() < 10
    assert "1,188 still firing" in incident.timeline.last().text


def test_a_routing_change_does_not_open_a_duplicate_incident(alertmanager):
    alertmanager.push([node_down(n) for n in range(3)])
    wait_for(lambda: alerts_in(Alert.State.FIRING) == 3, "the incident")
    first_group_key = Alert.objects.first().group_key
    alertmanager.reload(["alertname", "rack"])
    alertmanager.push(
        [node_down(n) for n in range(4)]
    )  # Prometheus re-sends what still fires, plus a new one
    wait_for(lambda: Alert.objects.exclude(group_key=first_group_key).count() == 4, "the regrouped alerts")
    assert Incident.objects.count() == 1
