"""The benchmark's reference views: what every page is compared against."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render

from incidents.models import Incident

FLOOR_ROWS = 50


@login_not_required
def hello(request):
    """The cheapest Django response through the full middleware stack."""
    return HttpResponse("hello", content_type="text/plain")


@login_not_required
def floor_list(request):
    """The floor: the least a list page can do — 50 rows of incidents_incident in the list's default order
    (the incident_started_desc index), four columns, a cached template, nothing else. A page's cost above this
    is what Hindsight adds."""
    incidents = Incident.objects.order_by("-started_at", "-id").values(
        "id", "title", "severity", "status", "started_at"
    )[:FLOOR_ROWS]
    return render(request, "perf/floor_list.html", {"incidents": incidents})
