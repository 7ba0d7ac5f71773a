from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("", views.IncidentListView.as_view(), name="list"),
    path("declare/", views.DeclareIncidentView.as_view(), name="declare"),
    path("<int:pk>/", views.IncidentDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.IncidentUpdateView.as_view(), name="edit"),
    path("<int:pk>/timeline/", views.add_timeline_entry, name="add_timeline_entry"),
    path("<int:pk>/status/", views.change_status, name="change_status"),
]
