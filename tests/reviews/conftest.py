"""Fixtures for reviewing postmortems: the postmortem fixtures, people, a logged-in client for anyone."""

import pytest
from django.test import Client

from tests.postmortems.conftest import make_postmortem, postmortem  # noqa: F401

BODY = (
    "## Summary\n\nThe checkout pool was too small for the sale.\n\n"
    "## Contributing factors\n\nThe pool size was set by hand in 2021.\n"
)


@pytest.fixture
def login():
    def client_for(user):
        client = Client()
        client.force_login(user)
        return client

    return client_for


@pytest.fixture
def reviewed(make_postmortem, editor):
    """A postmortem in review written by Eddie (an Editor)."""
    postmortem = make_postmortem(body=BODY)
    postmortem.authors.add(editor)
    return postmortem
