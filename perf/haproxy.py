"""HAProxy (Debian's package) on loopback in front of several gunicorn nodes, for the two-node soak."""

import csv
import io
import shutil
import subprocess
import tempfile
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from perf.server import stop, wait_until_up

# Health checks every 500 ms, a node is out after 2 failures and back after 2 successes. A request whose
# connection to a dead node is refused is sent to another node (redispatch); a request already running on a node
# when it dies is not retried (it may have written), so its client sees the error.
CONFIG = """\
global
    maxconn 2000
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    retries 3
    option redispatch
    retry-on conn-failure
frontend hindsight
    bind 127.0.0.1:{port}
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk
    http-check send meth GET uri /accounts/login/ ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    default-server inter 500ms fall 2 rise 2
{servers}
listen stats
    bind 127.0.0.1:{stats_port}
    stats enable
    stats uri /stats
"""


def haproxy_config(port, stats_port, node_ports):
    servers = "\n".join(
        f"    server node{number} 127.0.0.1:{node_port} check"
        for number, node_port in enumerate(node_ports, start=1)
    )
    return CONFIG.format(port=port, stats_port=stats_port, servers=servers)


@contextmanager
def running_haproxy(port, stats_port, node_ports, log_path=None):
    """haproxy in the foreground (-db) with a config for `node_ports`; stopped on exit."""
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    with tempfile.TemporaryDirectory(prefix="hindsight-haproxy-") as folder:
        config = Path(folder) / "haproxy.cfg"
        config.write_text(haproxy_config(port, stats_port, node_ports))
        log = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115
        process = subprocess.Popen([binary, "-db", "-f", str(config)], stdout=log, stderr=log)
        try:
            wait_until_up(f"http://127.0.0.1:{port}/accounts/login/")
            yield process
        finally:
            stop(process, log)


def node_states(stats_port):
    """{"node1": ("UP", requests served so far), …} from HAProxy's statistics page."""
    with urllib.request.urlopen(f"http://127.0.0.1:{stats_port}/stats;csv", timeout=5) as response:
        rows = csv.DictReader(io.StringIO(response.read().decode().lstrip("# ")))
        return {
            row["svname"]: (row["status"], int(row["stot"] or 0))
            for row in rows
            if row["pxname"] == "nodes" and row["svname"].startswith("node")
        }
