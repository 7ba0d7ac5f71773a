"""Start and stop a real gunicorn on loopback for the throughput benchmark and the soak test."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

from django.conf import settings
from django.test import Client

GUNICORN_CONFIG = settings.BASE_DIR / "deploy" / "gunicorn.conf.py"


def wait_until_up(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # any HTTP answer means the server is up
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer at {url} within {timeout} s")


@contextmanager
def running_gunicorn(
    port, workers=2, threads=4, extra_env=None, log_path=None, app=None, ready_path="/accounts/login/"
):
    """gunicorn with the repository's config on 127.0.0.1:port, same database as this process; stopped on exit.
    `app` serves another WSGI application than Hindsight's (the bench's bare project) with the same config."""
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
        **(extra_env or {}),
    }
    env.pop("DEBUG", None)
    # The log stays open for the server's whole life; it is closed when the server stops.
    log = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG), *([app] if app else [])],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}{ready_path}")
        yield process
    finally:
        stop(process, log, timeout=30)


def stop(process, log, timeout=10):
    """End a server started for a benchmark or a test: politely, then by force; close its log file."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
    if log is not subprocess.DEVNULL:
        log.close()


class GunicornNode:
    """One app node for the multi-node soak: gunicorn in its own process group, so that `kill()` takes its
    workers down with it at once, as a crashed machine would."""

    def __init__(self, port, *, workers=2, threads=4, extra_env=None, log_path=None):
        self.port, self.log_path, self.process = port, log_path, None
        self.env = {
            **os.environ,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_THREADS": str(threads),
            **(extra_env or {}),
        }
        self.env.pop("DEBUG", None)

    def start(self):
        with open(self.log_path or os.devnull, "a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG)],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        wait_until_up(f"http://127.0.0.1:{self.port}/accounts/login/")

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def session_cookie_for(user):
    """A logged-in session stored in the database, as a Cookie header value for an HTTP client."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
