from django.urls import path

from . import communication_views, exports, views

app_name = "incidents"

urlpatterns = [
    path("", views.IncidentListView.as_view(), name="list"),
    path("export.csv", exports.export_incidents, name="export"),
    path("declare/", views.DeclareIncidentView.as_view(), name="declare"),
    path("similar/", views.similar_to_draft, name="similar_to_draft"),
    path("<int:pk>/similar/", views.similar_to_incident, name="similar"),
    path("<int:pk>/", views.IncidentDetailView.as_view(), name="detail"),
    path("<int:pk>/alerts/", views.incident_alerts, name="alerts"),
    path("<int:pk>/edit/", views.IncidentUpdateView.as_view(), name="edit"),
    path("<int:pk>/timeline/", views.add_timeline_entry, name="add_timeline_entry"),
    path("<int:pk>/checklist/", views.tick_checklist_item, name="tick_checklist"),
    path("<int:pk>/status/", views.change_status, name="change_status"),
    path("<int:pk>/updates/new/", communication_views.status_update, name="status_update"),
]
