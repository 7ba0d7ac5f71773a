from django.shortcuts import render

from incidents.models import Incident


def home(request):
    open_incidents = Incident.objects.open().for_list().order_by("severity", "started_at")
    return render(request, "dashboard/home.html", {"open_incidents": open_incidents})
