"""PgBouncer (Debian's package) on loopback in transaction mode in front of the local PostgreSQL, for the
PgBouncer test: the pool Hindsight's `DATABASE_PGBOUNCER=1` settings are written for."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg

from perf.server import stop

# Few server connections for many clients, all kept open and handed out in turn (round robin instead of the most
# recently used), so that consecutive transactions of one Django connection really do run on different PostgreSQL
# connections. No Unix socket; the admin console answers `admin_users`.
POOL_SIZE = 3
CONFIG = """\
[databases]
{database} = host={host} port={server_port} dbname={database} user={user}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {auth_file}
admin_users = {user}
pool_mode = transaction
default_pool_size = {pool_size}
min_pool_size = {pool_size}
server_round_robin = 1
max_client_conn = 200
ignore_startup_parameters = extra_float_digits
{run_as}"""


def pgbouncer_binary():
    """The pgbouncer executable, or None when it is not installed."""
    found = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    return found if os.access(found, os.X_OK) else None


def pgbouncer_config(*, port, database, auth_file, pool_size=POOL_SIZE, host="127.0.0.1", server_port=5432):
    # PgBouncer refuses to run as root: started by root (CI), it switches to the PostgreSQL system user.
    run_as = "user = postgres\n" if os.geteuid() == 0 else ""
    return CONFIG.format(
        port=port,
        database=database,
        auth_file=auth_file,
        pool_size=pool_size,
        host=host,
        server_port=server_port,
        user="postgres",
        run_as=run_as,
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_pgbouncer(port, database, *, pool_size=POOL_SIZE, log_path=None):
    """pgbouncer in the foreground for `database` on 127.0.0.1:port (trust, transaction pooling); stopped on exit."""
    with tempfile.TemporaryDirectory(prefix="hindsight-pgbouncer-") as folder:
        Path(folder).chmod(0o755)  # readable by the user it switches to
        auth_file = Path(folder) / "userlist.txt"
        auth_file.write_text('"postgres" ""\n')
        config = Path(folder) / "pgbouncer.ini"
        config.write_text(
            pgbouncer_config(port=port, database=database, auth_file=auth_file, pool_size=pool_size)
        )
        log = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115
        process = subprocess.Popen([pgbouncer_binary(), str(config)], stdout=log, stderr=log)
        try:
            wait_for_port(port, process)
            yield process
        finally:
            stop(process, log)


def wait_for_port(port, process, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pgbouncer exited at start-up with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"pgbouncer did not listen on port {port} within {timeout} s")


def admin_show(port, what):
    """`SHOW <what>` on PgBouncer's admin console as a list of {column: value} rows. The console speaks only the
    simple query protocol: a client-side-binding cursor, in autocommit."""
    with psycopg.connect(
        host="127.0.0.1",
        port=port,
        dbname="pgbouncer",
        user="postgres",
        autocommit=True,
        cursor_factory=psycopg.ClientCursor,
    ) as connection:
        cursor = connection.execute(f"SHOW {what}")
        columns = [column.name for column in cursor.description or []]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def wait_for_servers(port, database, count, timeout=10):
    """Until PgBouncer holds `count` server connections for `database` (it opens `min_pool_size` of them once a
    client is connected), so that transactions are spread over all of them from the first request on."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len([row for row in admin_show(port, "SERVERS") if row["database"] == database]) >= count:
            return
        time.sleep(0.2)
    raise RuntimeError(f"pgbouncer did not open {count} server connections within {timeout} s")
