"""Insights figures are cached, and every write that can move one shows up on the next request."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import VIEWER
from incidents import services as incident_services
from incidents.models import Incident
from postmortems import services as postmortem_services
from postmortems.models import ActionItem
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

URL = reverse("insights:index")


def _payments(response):
    return next(row for row in response.context["follow_through"] if row.team == "Payments")


@pytest.fixture
def history(make_incident, service, editor):
    incident = make_incident(services=[service], title="Checkout down")
    postmortem, _ = postmortem_services.start_postmortem(incident=incident, by=editor)
    postmortem_services.create_action_item(
        postmortem=postmortem, by=editor, title="Add canary", team="Payments"
    )
    return incident


def _incident_count(response):
    overall = response.context["overall"]
    return overall[0].incidents if overall else 0


def test_closing_an_action_item_shows_on_insights_at_once(viewer_client, history, editor):
    before = _payments(viewer_client.get(URL))
    item = ActionItem.objects.get(title="Add canary")
    postmortem_services.change_action_item_status(item=item, status=ActionItem.Status.DONE, by=editor)
    after = _payments(viewer_client.get(URL))
    assert (before.done, after.done) == (0, 1)


def test_declaring_an_incident_shows_on_insights_at_once(viewer_client, history, editor, service):
    before = _incident_count(viewer_client.get(URL))
    incident_services.declare_incident(by=editor, title="Search slow", severity=2, services=[service])
    after = _incident_count(viewer_client.get(URL))
    assert after == before + 1


def test_deleting_an_incident_shows_on_insights_at_once(viewer_client, history):
    before = _incident_count(viewer_client.get(URL))
    Incident.objects.filter(pk=history.pk).delete()
    after = _incident_count(viewer_client.get(URL))
    assert after == before - 1


def test_second_visit_reuses_the_figures(viewer_client, history, django_assert_max_num_queries):
    """The first visit runs about 25 queries; the second only the session, the user and the filter form."""
    viewer_client.get(URL)
    with django_assert_max_num_queries(6):
        response = viewer_client.get(URL)
    assert response.status_code == 200


def test_filtered_figures_are_cached_apart(viewer_client, history):
    viewer_client.get(URL)
    response = viewer_client.get(URL, {"severity": ["4"]})
    assert _incident_count(response) == 0


def test_a_restricted_repeat_is_not_named_to_a_reader_who_cannot_see_it(
    client, viewer, admin_user, make_incident, service, category
):
    make_incident(
        services=[service],
        categories=[category],
        title="Quiet leak",
        restricted=True,
        started_at=timezone.now() - timedelta(days=4),
    )
    make_incident(services=[service], categories=[category], title="Second leak")
    client.force_login(admin_user)
    assert "Quiet leak" in client.get(URL).content.decode()
    client.force_login(viewer)
    assert "Quiet leak" not in client.get(URL).content.decode()


def test_a_repeat_is_named_as_soon_as_its_incident_is_no_longer_restricted(
    client, viewer, make_incident, service, category
):
    quiet = make_incident(
        services=[service],
        categories=[category],
        title="Quiet leak",
        restricted=True,
        started_at=timezone.now() - timedelta(days=4),
    )
    make_incident(services=[service], categories=[category], title="Second leak")
    client.force_login(viewer)
    client.get(URL)  # the repeats section of the viewer's scope is cached
    Incident.objects.filter(pk=quiet.pk).update(restricted=False)
    assert "Quiet leak" in client.get(URL).content.decode()


def test_readers_who_may_see_the_same_share_the_repeats_section(
    client, viewer, make_incident, service, category, django_assert_num_queries
):
    """The second reader's visit asks the database for the session, the reader and the reader's scope only."""
    make_incident(
        services=[service],
        categories=[category],
        title="First leak",
        started_at=timezone.now() - timedelta(days=4),
    )
    make_incident(services=[service], categories=[category], title="Second leak")
    second = make_user("second-viewer", VIEWER)
    client.force_login(second)
    client.force_login(viewer)
    client.get(URL)
    client.force_login(second)
    with django_assert_num_queries(3):
        response = client.get(URL)
    repeats = response.content.decode().split('id="repeats-heading"')[1].split("</section>")[0]
    assert "First leak" in repeats
