from django.urls import path

from documents.urls import revision_urls

from . import views
from .models import Postmortem

app_name = "postmortems"

urlpatterns = [
    path("", views.PostmortemListView.as_view(), name="list"),
    path("start/<int:incident_pk>/", views.start_postmortem, name="start"),
    path("start/<int:incident_pk>/template/", views.choose_template, name="choose_template"),
    path("check-language/", views.check_language, name="check_language"),
    path("<int:pk>/", views.PostmortemDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PostmortemEditView.as_view(), name="edit"),
    path("<int:pk>/workflow/", views.change_workflow, name="workflow"),
    path("<int:pk>/export.md", views.export_markdown, name="export"),
    *revision_urls(Postmortem),
]
