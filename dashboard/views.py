from django.shortcuts import render
from django.utils import timezone

from .attention import home_figures, list_url, with_response_state


def home(request):
    now = timezone.now()
    figures = home_figures(now, request.user)
    return render(
        request,
        "dashboard/home.html",
        {
            **figures,
            "open_incidents": with_response_state(figures["open_incidents"], now),
            "open_url": list_url("incidents:list", status="open", kind="real"),
        },
    )
