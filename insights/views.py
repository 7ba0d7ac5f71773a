from functools import partial

from django.conf import settings
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

from core.freshness import Fresh
from dashboard.visibility import cached_for_viewer
from incidents.models import Incident, Severity, visible_q
from meetings import selectors as meeting_selectors
from postmortems.models import ActionItem

from . import charts, freshness, metrics
from .filters import InsightsFilter

CHART_CATEGORIES = 10  # the busiest categories get a bar
SEVERITY_CSS = {severity: f"chart-sev{severity}" for severity in Severity.values}


def index(request):
    """Every request reads HTML only: the page (one entry for every reader) and its repeats section (one per
    visibility scope). Unpickling the figures' many objects on every request made the garbage collector run a
    full collection every few dozen requests, each one a latency spike of 100-200 ms."""
    filterset = InsightsFilter(request.GET or None, queryset=Incident.objects.all())
    query = repr(sorted((key, tuple(request.GET.getlist(key))) for key in request.GET))
    now = timezone.now()

    def figures():
        return freshness.cached_figures(query, lambda: _figures(filterset, bool(request.GET)), now=now)

    page = freshness.cached_page(query, lambda: _page(request, filterset, figures()), now=now)
    repeats = cached_for_viewer(
        "insights-repeats",
        request.user,
        [query],
        lambda: Fresh(_repeats_section(page, request.user)),
        now=now,
    )
    context = {
        "filter": filterset,
        "filters": page["filters"],
        "before_repeats": page["before_repeats"],
        "repeats_section": repeats,
        "after_repeats": page["after_repeats"],
        # The figures themselves, read from the cache only if something other than the template asks (tests).
        **{name: SimpleLazyObject(partial(_figure, figures, name)) for name in FIGURES_IN_CONTEXT},
        "repeats": SimpleLazyObject(lambda: _nameable(figures()["repeats"], request.user)),
    }
    return render(request, "insights/index.html", context)


FIGURES_IN_CONTEXT = ("overall", "follow_through", "category_chart", "quarters", "services")


def _figure(figures, name):
    return figures()[name]


def _page(request, filterset, figures):
    """The page around the repeats as HTML (it shows nothing of its reader), and each repeat as a row of HTML with
    the two incidents it names: one entry for every reader, a few strings to unpickle."""
    return {
        "filters": render_to_string("includes/filter_sidebar.html", {"filter": filterset}, request=request),
        "before_repeats": render_to_string("insights/_before_repeats.html", figures),
        "after_repeats": render_to_string("insights/_after_repeats.html", figures),
        "repeat_rows": [
            (
                repeat.incident.pk,
                repeat.earlier.pk,
                render_to_string("insights/_repeat_row.html", {"repeat": repeat}),
            )
            for repeat in figures["repeats"]
        ],
        "repeat_count": figures["repeat_count"],
        "incident_count": figures["overall"][0].incidents if figures["overall"] else 0,
        "repeat_window_days": figures["repeat_window_days"],
    }


def _repeats_section(page, user):
    """The repeats section as HTML for `user` and everyone who may see what `user` may see."""
    rows = page["repeat_rows"]
    involved = {incident for incident, _, _ in rows} | {earlier for _, earlier, _ in rows}
    # filter(), not exclude(): a superuser's visible_q() is an empty Q, and exclude(Q()) excludes every row.
    visible = set(Incident.objects.filter(visible_q(user), pk__in=involved).values_list("pk", flat=True))
    shown = [
        mark_safe(html) for incident, earlier, html in rows if incident in visible and earlier in visible
    ]
    return render_to_string(
        "insights/_repeats.html",
        {
            "repeats": shown,
            "repeat_count": page["repeat_count"],
            "incident_count": page["incident_count"],
            "repeat_window_days": page["repeat_window_days"],
        },
    )


def _figures(filterset, filtered):
    """Everything on the page that does not depend on who reads it (cached by `freshness`)."""
    incidents = filterset.incidents if filtered else Incident.objects.real().order_by()
    durations = None if metrics.database_has_percentiles() else metrics.durations_for_percentiles(incidents)
    by_quarter = metrics.response_metrics(incidents, "quarter", durations)
    per_quarter = metrics.incidents_per_quarter_by_severity(incidents)
    categories = metrics.categories_per_quarter(incidents)
    services = metrics.services_per_quarter(incidents)
    repeat_count, repeats_per_category = metrics.repeat_counts(
        incidents, [name for name, _, _ in categories[:CHART_CATEGORIES]]
    )
    compliance = metrics.checklist_compliance(incidents)
    mtbf = metrics.mtbf_report(incidents)
    return {
        "overall": metrics.response_metrics(incidents, None, durations),
        "by_severity": metrics.response_metrics(incidents, "severity", durations),
        "by_quarter": by_quarter,
        "metric_names": metrics.DURATION_METRICS,
        "detection_mix": metrics.detection_mix(incidents),
        "categories": categories,
        "services": services,
        "quarters": sorted({quarter for _, quarters, _ in categories + services for quarter in quarters}),
        "repeats": metrics.repeat_incidents(incidents),
        "repeat_count": repeat_count,
        "follow_through": metrics.action_item_follow_through(incidents),
        **slippage(incidents),
        "per_quarter": [(metrics.quarter_label(q), counts) for q, counts in per_quarter.items()],
        "severities": Severity.choices,
        "repeat_window_days": settings.HINDSIGHT_REPEAT_WINDOW.days,
        "mttr_chart": _mttr_chart(by_quarter),
        "severity_chart": _severity_chart(per_quarter),
        "category_chart": _category_chart(categories, repeats_per_category),
        "compliance": compliance,
        "mtbf": mtbf,
        "mtbf_chart": _mtbf_chart(mtbf),
        "drills": metrics.drills_per_team(Incident.objects.practice()),
        "compliance_chart": _compliance_chart(compliance),
    }


def slippage(incidents):
    """Due dates that keep moving (the postmortem-theatre signal), for these incidents' action items."""
    items = ActionItem.objects.filter(postmortem__incident__in=incidents.values("pk"))
    return {
        "slippage": meeting_selectors.slippage_by_team(items),
        "slipped_items": meeting_selectors.most_slipped_items(items),
    }


def _hours(value):
    return value.total_seconds() / 3600 if value is not None else None


def _mttr_chart(by_quarter):
    labels = [row.label for row in by_quarter]
    mttr = [row.metrics["MTTR"] for row in by_quarter]
    return charts.line_chart(
        "MTTR trend per quarter",
        "Mean, median and p90 time from start to resolution, in hours, per quarter.",
        labels,
        [
            ("mean", "chart-line--mean", [_hours(m.mean) for m in mttr]),
            ("median", "chart-line--median", [_hours(m.median) for m in mttr]),
            ("p90", "chart-line--p90", [_hours(m.p90) for m in mttr]),
        ],
        unit="h",
    )


def _severity_chart(per_quarter):
    labels = [metrics.quarter_label(q) for q in per_quarter]
    series = [
        (label, SEVERITY_CSS[severity], [counts.get(severity, 0) for counts in per_quarter.values()])
        for severity, label in Severity.choices
    ]
    return charts.stacked_bars(
        "Incidents per quarter by severity",
        "Number of incidents started in each quarter, stacked by severity.",
        labels,
        series,
    )


def _category_chart(categories, repeats_per_category):
    rows = [
        (name, total, repeats_per_category.get(name, 0)) for name, _, total in categories[:CHART_CATEGORIES]
    ]
    return charts.horizontal_bars(
        "Incidents per category",
        "Incidents in each category over the selected period, most frequent first; the darker part of each bar "
        "is repeat incidents (same category and service within the repeat window).",
        rows,
    )


def _compliance_chart(compliance):
    return charts.horizontal_bars(
        "Most often missed checklist items",
        "How many incidents missed each response-checklist item, most often missed first.",
        [(label, count, 0) for label, count in compliance.missed],
    )


def _days(value):
    return value.total_seconds() / 86400 if value is not None else None


def _mtbf_chart(mtbf):
    rows = mtbf.by_quarter
    return charts.line_chart(
        "MTBF per quarter",
        "Mean and median time between the starts of consecutive incidents, in days, per quarter.",
        [row.label for row in rows],
        [
            ("mean", "chart-line--mean", [_days(row.mean) for row in rows]),
            ("median", "chart-line--median", [_days(row.median) for row in rows]),
        ],
        unit="d",
    )


def _nameable(repeats, user):
    """Insights may count restricted incidents but never names or links one its reader may not see."""
    involved = {repeat.incident.pk for repeat in repeats} | {repeat.earlier.pk for repeat in repeats}
    # filter(), not exclude(): a superuser's visible_q() is an empty Q, and exclude(Q()) excludes every row.
    visible = set(Incident.objects.filter(visible_q(user), pk__in=involved).values_list("pk", flat=True))
    return [r for r in repeats if r.incident.pk in visible and r.earlier.pk in visible]
