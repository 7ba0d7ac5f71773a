from django.urls import path

from documents.urls import revision_urls

from . import views
from .models import Runbook

app_name = "runbooks"

urlpatterns = [
    path("", views.RunbookListView.as_view(), name="list"),
    path("new/", views.RunbookCreateView.as_view(), name="create"),
    path("usage/incident/<int:incident_pk>/", views.record_usage, name="record_usage"),
    path("<slug:slug>/", views.RunbookDetailView.as_view(), name="detail"),
    path("<slug:slug>/edit/", views.RunbookUpdateView.as_view(), name="edit"),
    path("<slug:slug>/reviewed/", views.mark_reviewed, name="mark_reviewed"),
    path("<slug:slug>/practise/", views.practise, name="practise"),
    *revision_urls(Runbook, prefix="<slug:slug>/"),
]
