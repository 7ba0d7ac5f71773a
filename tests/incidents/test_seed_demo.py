import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from incidents.models import Incident, Service, Severity, TimelineEntry

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        Incident.objects.count(),
        TimelineEntry.objects.count(),
        Service.objects.count(),
        get_user_model().objects.count(),
    )


def test_seed_demo_is_varied_and_idempotent():
    call_command("seed_demo", verbosity=0)
    first = snapshot()
    assert Service.objects.count() == 12
    assert 35 <= Incident.objects.count() <= 45
    # SEV-? is for imported history only; the demo declares its incidents with a severity.
    assert set(Incident.objects.values_list("severity", flat=True)) == set(Severity.values) - {
        Severity.UNKNOWN
    }
    assert Incident.objects.open().exists()
    assert Incident.objects.resolved().exists()
    assert TimelineEntry.objects.count() > 3 * Incident.objects.count()
    for incident in Incident.objects.all():
        incident.full_clean()  # every demo incident keeps the model's own rules
    call_command("seed_demo", verbosity=0)
    assert snapshot() == first


def test_demo_user_can_log_in(client):
    call_command("seed_demo", verbosity=0)
    assert client.login(username="demo", password="hindsight-demo")
    assert client.get("/").status_code == 200
