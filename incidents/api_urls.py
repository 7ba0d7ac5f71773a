"""Machine-to-machine endpoints (token auth, no session)."""

from django.urls import path

from . import api_views

app_name = "api"

urlpatterns = [
    path("alerts/alertmanager/", api_views.alertmanager_webhook, name="alertmanager"),
]
