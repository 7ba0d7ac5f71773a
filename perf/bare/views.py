from django.http import HttpResponse
from django.shortcuts import render

from .models import Incident

FLOOR_ROWS = 50


def hello(request):
    """The cheapest Django response: no middleware, no session, no database."""
    return HttpResponse("hello", content_type="text/plain")


def floor(request):
    """The newest 50 incidents in the incident list's default order (`started_at DESC, id DESC`, the
    `incident_started_desc` index), four columns, one query, a cached template."""
    incidents = Incident.objects.order_by("-started_at", "-id").values(
        "id", "title", "severity", "status", "started_at"
    )[:FLOOR_ROWS]
    return render(request, "perf/floor_list.html", {"incidents": incidents})
