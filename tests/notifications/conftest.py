"""Real protocols on loopback: an SMTP server (aiosmtpd) and an HTTP receiver standing in for chat."""

import json
import socket
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import make_user


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every message it accepts, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append({"to": envelope.rcpt_tos, "message": message})
        return "250 Message accepted"


class SMTPServer:
    def __init__(self, port: int):
        self.port, self.inbox, self.controller = port, Inbox(), None

    def start(self):
        self.controller = Controller(
            self.inbox, hostname="127.0.0.1", port=self.port, server_hostname="localhost"
        )
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return [entry["message"] for entry in self.inbox.messages]


@pytest.fixture
def smtp_server(settings):
    server = SMTPServer(free_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


class ChatReceiver:
    """A tiny HTTP server: records each POST; answers 200, 500, or hangs, as told."""

    def __init__(self):
        self.requests, self.mode, self.release = [], "ok", threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"path": self.path, "body": body})
                if receiver.mode == "hang":
                    receiver.release.wait(10)
                    return
                self.send_response(500 if receiver.mode == "fail" else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.server.server_address[1]}/hook"

    def payloads(self):
        return [json.loads(request["body"]) for request in self.requests]


@pytest.fixture
def chat_receiver(settings):
    settings.HINDSIGHT_CHAT_TIMEOUT_SECONDS = 1
    receiver = ChatReceiver()
    receiver.thread.start()
    yield receiver
    receiver.release.set()
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture(autouse=True)
def short_retry_delays(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # many people are made here
    settings.HINDSIGHT_NOTIFICATION_RETRY_DELAYS = [timedelta(minutes=1), timedelta(minutes=5)]
    settings.HINDSIGHT_BASE_URL = "https://hindsight.example.com"


@pytest.fixture
def owner(db):
    return make_user("olga", email="olga@example.com")


def wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


@pytest.fixture
def make_postmortem(make_incident, service):
    from postmortems.models import Postmortem

    def build(incident=None, **fields):
        incident = incident or make_incident(services=[service])
        fields.setdefault("title", incident.title)
        fields.setdefault("body", "## Summary\n\nThe checkout pool was too small.\n")
        postmortem = Postmortem(incident=incident, **fields)
        postmortem.save_revision(fields.get("created_by"))
        return postmortem

    return build


@pytest.fixture
def postmortem(make_postmortem):
    return make_postmortem()


@pytest.fixture
def make_action_item(postmortem):
    from postmortems.models import ActionItem
    from postmortems.selectors import default_team

    def build(**fields):
        fields.setdefault("postmortem", postmortem)
        fields.setdefault("title", "Alert on connection pool saturation")
        fields.setdefault("team", default_team(fields["postmortem"]))
        return ActionItem.objects.create(**fields)

    return build


@pytest.fixture
def team_channel(chat_receiver, service):
    from notifications.models import ChatChannel, Team

    team = Team.objects.create(name=service.team)
    return ChatChannel.objects.create(team=team, name="#payments", url=chat_receiver.url)
