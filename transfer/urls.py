from django.urls import path

from . import views

app_name = "transfer"

urlpatterns = [
    path("import/", views.import_history, name="import"),
    path("export.json", views.export_json, name="export_json"),
]
