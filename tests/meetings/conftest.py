"""A team's action items in every state a review meeting looks at."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Team
from postmortems.models import ActionItem, Postmortem
from postmortems.selectors import default_team


@pytest.fixture
def team(db, service):
    return Team.objects.create(name=service.team)


@pytest.fixture
def postmortem(make_incident, service):
    return Postmortem.objects.create(
        incident=make_incident(services=[service]), title="Checkout outage", body="## Summary\nIt broke."
    )


@pytest.fixture
def make_item(postmortem):
    def build(title="Add a pool-size alert", **fields):
        fields.setdefault("team", default_team(postmortem))
        return ActionItem.objects.create(postmortem=postmortem, title=title, **fields)

    return build


@pytest.fixture
def items(make_item, editor):
    today = timezone.localdate()
    return {
        "unowned": make_item("Nobody has this", due_date=today + timedelta(days=20)),
        "overdue": make_item("Late one", owner=editor, due_date=today - timedelta(days=3)),
        "due_soon": make_item("Due soon", owner=editor, due_date=today + timedelta(days=2)),
        "later": make_item("Far away", owner=editor, due_date=today + timedelta(days=60)),
    }
