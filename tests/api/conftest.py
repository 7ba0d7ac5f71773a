"""API clients holding a personal token for a person in each role, and records to read."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import EDITOR, RESPONDER, VIEWER
from api.models import ApiToken
from postmortems.models import ActionItem, Postmortem
from runbooks.models import Runbook
from tests.conftest import make_user


def token_client(user):
    _, secret = ApiToken.issue(user=user, name="script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def viewer_api(db):
    return token_client(make_user("api-viewer", VIEWER))


@pytest.fixture
def responder_api(db):
    return token_client(make_user("api-responder", RESPONDER))


@pytest.fixture
def editor_api(db):
    return token_client(make_user("api-editor", EDITOR))


@pytest.fixture
def make_postmortem(make_incident, service):
    def build(incident=None, title="Checkout outage", body="## Summary\nThe pool ran dry.", **fields):
        postmortem = Postmortem(
            incident=incident or make_incident(services=[service]), title=title, body=body
        )
        for name, value in fields.items():
            setattr(postmortem, name, value)
        postmortem.save_revision(None)
        return postmortem

    return build


@pytest.fixture
def postmortem(make_postmortem):
    return make_postmortem()


@pytest.fixture
def make_action_item(postmortem):
    def build(**fields):
        fields.setdefault("title", "Alert on pool saturation")
        fields.setdefault("due_date", timezone.localdate() + timedelta(days=7))
        return ActionItem.objects.create(postmortem=fields.pop("postmortem", postmortem), **fields)

    return build


@pytest.fixture
def make_runbook(db):
    def build(title, body="## Overview", services=()):
        runbook = Runbook(title=title, body=body)
        runbook.save_revision(None)
        runbook.services.set(services)
        return runbook

    return build
