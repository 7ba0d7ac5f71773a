"""Fixtures for postmortems and action items."""

import pytest

from postmortems.models import ActionItem, Postmortem
from postmortems.selectors import default_team


@pytest.fixture
def make_postmortem(make_incident, service):
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
    def build(**fields):
        fields.setdefault("postmortem", postmortem)
        fields.setdefault("title", "Alert on connection pool saturation")
        fields.setdefault("team", default_team(fields["postmortem"]))
        return ActionItem.objects.create(**fields)

    return build
