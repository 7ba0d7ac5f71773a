"""The Insights page: charts a person can read (and a screen reader too), filters, repeats, follow-through."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Category, Service
from insights import metrics
from postmortems.models import ActionItem, Postmortem

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(make_incident, service, category):
    now = timezone.now()
    first = make_incident(
        services=[service],
        categories=[category],
        severity=1,
        title="First deploy outage",
        started_at=now - timedelta(days=60),
    )
    second = make_incident(
        services=[service],
        categories=[category],
        severity=2,
        title="Second deploy outage",
        started_at=now - timedelta(days=20),
        detection_source="customer_report",
    )
    other = Service.objects.create(name="search-api", team="Discovery")
    make_incident(
        services=[other],
        categories=[Category.objects.create(name="capacity")],
        severity=3,
        title="Search slow",
        started_at=now - timedelta(days=10),
    )
    postmortem = Postmortem.objects.create(incident=first, title="PM")
    today = timezone.localdate()
    ActionItem.objects.create(
        postmortem=postmortem,
        title="Add canary",
        team="Payments",
        status="done",
        due_date=today,
        completed_at=now - timedelta(days=1),
    )
    ActionItem.objects.create(
        postmortem=postmortem,
        title="Add rollback button",
        team="Payments",
        due_date=today - timedelta(days=3),
    )
    return first, second


def test_insights_page_renders_accessible_charts_with_tables(viewer_client, history):
    html = viewer_client.get(reverse("insights:index")).content.decode()
    titles = (
        "MTTR trend per quarter",
        "Incidents per quarter by severity",
        "Incidents per category",
        "MTBF per quarter",
        "Most often missed checklist items",
    )
    assert html.count('<svg class="chart"') == len(titles)
    for title in titles:
        assert f">{title}</title>" in html
    assert html.count('role="img"') == len(titles)
    assert html.count("<summary>Data table</summary>") == len(titles)
    assert "<script" not in html.split("<main", 1)[1].split("</main>")[0]


def test_repeat_incident_is_listed_with_the_earlier_one_and_its_action_items(viewer_client, history):
    first, second = history
    html = viewer_client.get(reverse("insights:index")).content.decode()
    repeats = html.split('id="repeats-heading"')[1].split("</section>")[0]
    assert "Second deploy outage" in repeats
    assert "First deploy outage" in repeats
    assert "1 of 2 closed" in repeats
    assert "33%</strong> of incidents were repeats (1 of 3)" in repeats
    assert "Search slow" not in repeats


def test_customer_reports_are_flagged_as_an_anti_pattern(viewer_client, history):
    html = viewer_client.get(reverse("insights:index")).content.decode()
    detection = html.split('id="detection-heading"')[1].split("</section>")[0]
    assert "anti-pattern" in detection
    assert "33%" in detection  # one of three incidents


def test_follow_through_per_team(history):
    [payments] = metrics.action_item_follow_through(metrics.Incident.objects.all())
    assert payments.team == "Payments"
    counts = (payments.total, payments.closed, payments.done, payments.closed_on_time, payments.overdue)
    assert counts == (2, 1, 1, 1, 1)
    assert payments.closure_rate == 0.5
    assert payments.on_time_rate == 0.5  # done on time 1, of done (1) + overdue (1)


def test_filters_narrow_every_figure(viewer_client, history):
    response = viewer_client.get(reverse("insights:index") + "?severity=3")
    assert response.context["overall"][0].incidents == 1
    assert not response.context["repeats"]
    response = viewer_client.get(reverse("insights:index") + "?team=Payments")
    assert response.context["overall"][0].incidents == 2
    started = (timezone.localdate() - timedelta(days=30)).isoformat()
    response = viewer_client.get(reverse("insights:index") + f"?started_min={started}")
    assert response.context["overall"][0].incidents == 2


def test_bad_filter_shows_an_error_not_a_500(viewer_client, history):
    response = viewer_client.get(reverse("insights:index") + "?severity=7&started_min=not-a-date")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert response.context["overall"] == []


def test_empty_insights_page(viewer_client):
    html = viewer_client.get(reverse("insights:index")).content.decode()
    assert "No resolved incidents yet." in html
    assert "No repeats" in html


def test_insights_needs_login(client):
    assert client.get(reverse("insights:index")).status_code == 302


def test_chart_geometry_scales_to_the_largest_value():
    from insights import charts

    chart = charts.stacked_bars("t", "d", ["Q1", "Q2"], [("SEV-1", "a", [2, 0]), ("SEV-2", "b", [3, 10])])
    assert [tick[1] for tick in chart.y_ticks] == ["0", "5", "10"]
    tallest = max(chart.bars, key=lambda bar: bar["height"])
    assert tallest["title"] == "Q2: 10 SEV-2"
    assert tallest["y"] == charts.TOP  # reaches the top of the plot
    assert len(chart.bars) == 3  # the zero segment is not drawn


def test_long_ranges_keep_the_axis_legible():
    from insights import charts

    quarters = [f"20{year} Q{q}" for year in range(20, 26) for q in range(1, 5)]
    chart = charts.stacked_bars("t", "d", quarters, [("SEV-1", "a", [1] * len(quarters))])
    assert len(chart.bars) == 24
    assert len(chart.x_labels) == 6
    assert chart.x_labels[0][1] == "2020 Q1"


def test_category_chart_marks_repeats(viewer_client, history):
    chart = viewer_client.get(reverse("insights:index")).context["category_chart"]
    titles = [bar["title"] for bar in chart.bars]
    assert "bad deploy: 2 (1 repeat)" in titles
    assert "bad deploy: 1 repeat" in titles
    assert "capacity: 1" in titles


def test_service_table_has_a_column_for_quarters_without_categorised_incidents(
    viewer_client, make_incident, service
):
    make_incident(services=[service], started_at=datetime(2026, 2, 3, tzinfo=UTC))
    response = viewer_client.get(reverse("insights:index"))
    [(name, counts, total)] = response.context["services"]
    assert (name, total) == ("checkout-api", 1)
    assert [metrics.quarter_label(q) for q in response.context["quarters"]] == ["2026 Q1"]
    assert "2026 Q1" in response.content.decode().split('id="services-heading"')[1]


def test_long_repeat_lists_show_the_most_recent_and_say_how_many_there_are(
    viewer_client, history, make_incident, service, category, monkeypatch
):
    third = make_incident(
        services=[service],
        categories=[category],
        title="Third deploy outage",
        started_at=timezone.now() - timedelta(days=5),
    )
    monkeypatch.setattr(metrics, "REPEATS_SHOWN", 1)
    response = viewer_client.get(reverse("insights:index"))
    assert [repeat.incident for repeat in response.context["repeats"]] == [third]
    repeats = response.content.decode().split('id="repeats-heading"')[1].split("</section>")[0]
    assert "Third deploy outage" in repeats  # the repeat and its earlier one
    assert "Second deploy outage" in repeats
    assert "First deploy outage" not in repeats  # its repeat is beyond the first page
    assert "Showing the 1 most recent of 2 repeats." in repeats
    assert "50%</strong> of incidents were repeats (2 of 4)" in repeats
    assert "No action items" in repeats  # the second incident has no postmortem


def test_earlier_incident_with_every_action_item_closed(viewer_client, history):
    first, _ = history
    first.postmortem.action_items.update(status="done", completed_at=timezone.now())
    repeats = viewer_client.get(reverse("insights:index")).content.decode().split('id="repeats-heading"')[1]
    assert "All 2 closed" in repeats.split("</section>")[0]


def test_a_long_category_label_wraps_instead_of_being_cut(viewer_client, make_incident, service):
    hardware = Category.objects.create(name="Hardware/Power Failures")
    make_incident(services=[service], categories=[hardware])
    html = viewer_client.get(reverse("insights:index")).content.decode()
    chart = html[
        html.index('id="chart-categories-title"') : html.index(
            "</svg>", html.index('id="chart-categories-title"')
        )
    ]
    assert ">Hardware/Power</tspan>" in chart
    assert ">Failures</tspan>" in chart


def test_category_labels_break_after_spaces_and_slashes_within_the_label_column():
    from insights.charts import LABEL_LINE_CHARS, wrap_label

    lines = wrap_label("Third-party dependency failures in the payment/settlement pipeline")
    assert (
        " ".join(lines).replace("/ ", "/")
        == "Third-party dependency failures in the payment/settlement pipeline"
    )
    assert max(len(line) for line in lines) <= LABEL_LINE_CHARS
