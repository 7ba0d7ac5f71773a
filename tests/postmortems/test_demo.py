import pytest
from django.core.management import call_command

from incidents.models import Incident
from postmortems.models import ActionItem, Postmortem

pytestmark = pytest.mark.django_db


def test_demo_postmortems_and_action_items_are_a_realistic_mix_and_idempotent():
    call_command("seed_demo", verbosity=0)
    resolved = Incident.objects.resolved().count()
    postmortems = Postmortem.objects.count()
    assert resolved * 0.6 <= postmortems < resolved
    statuses = set(Postmortem.objects.values_list("status", flat=True))
    assert statuses == {"draft", "in_review", "published"}
    assert Postmortem.objects.overdue().exists()
    assert Incident.objects.missing_postmortem().exists()
    assert 120 <= ActionItem.objects.count() <= 180
    assert ActionItem.objects.unowned().count() >= 10
    assert ActionItem.objects.overdue().count() >= 10
    assert ActionItem.objects.closed_on_time().exists()
    assert ActionItem.objects.filter(status="done").count() >= 30
    for item in ActionItem.objects.filter(status="wont_do"):
        item.full_clean()

    counts = (Postmortem.objects.count(), ActionItem.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Postmortem.objects.count(), ActionItem.objects.count()) == counts
