"""An agenda of 2,000 items costs the same queries per page as one of 20: pages read by position (keyset)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import services
from postmortems.models import ActionItem


def meeting_with(size, team, postmortem, editor):
    ActionItem.objects.bulk_create(
        ActionItem(
            postmortem=postmortem,
            title=f"Item {n}",
            team=team.name,
            due_date=timezone.localdate() - timedelta(days=1 + n % 30),
        )
        for n in range(size)
    )
    return services.start_meeting(team=team, service=None, attendees=[editor], by=editor)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["step", "agenda"])
def test_pages_cost_the_same_queries_for_20_and_2000_items(editor_client, team, postmortem, editor, page):
    services.start_meeting(
        team=team, service=None, attendees=[], by=editor
    )  # each compares with a previous one
    small = meeting_with(20, team, postmortem, editor)
    large = meeting_with(2000, team, postmortem, editor)
    assert large.agenda_size == 2020

    def url(meeting):
        if page == "step":
            return reverse("meetings:step", args=[meeting.pk, meeting.agenda_size // 2])
        return reverse("meetings:detail", args=[meeting.pk])

    editor_client.get(url(small))  # the first request of a session does a little more
    assert queries_for(editor_client, url(small)) == queries_for(editor_client, url(large))


def test_the_step_page_has_a_fixed_query_budget(
    editor_client, team, postmortem, editor, django_assert_num_queries
):
    meeting = meeting_with(2000, team, postmortem, editor)
    editor_client.get(reverse("meetings:step", args=[meeting.pk, 1]))  # session and permissions warm up
    with django_assert_num_queries(
        queries_for(editor_client, reverse("meetings:step", args=[meeting.pk, 1]))
    ):
        editor_client.get(reverse("meetings:step", args=[meeting.pk, 1999]))
