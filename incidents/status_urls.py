"""The public status page (no login)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import status_views

app_name = "status"

urlpatterns = [
    path("", status_views.status_page, name="page"),
    path("incidents/<int:pk>/", status_views.public_incident, name="incident"),
    path("feed/", login_not_required(status_views.PublicUpdatesFeed()), name="feed"),
]
