from django.urls import path

from . import action_views

app_name = "actions"

urlpatterns = [
    path("", action_views.ActionItemListView.as_view(), name="list"),
    path("review/", action_views.review, name="review"),
    path("mine/", action_views.my_action_items, name="mine"),
    path("export.csv", action_views.export_csv, name="export"),
    path("new/", action_views.ActionItemCreateView.as_view(), name="create"),
    path("<int:pk>/edit/", action_views.ActionItemUpdateView.as_view(), name="edit"),
    path("<int:pk>/quick/", action_views.quick_update, name="quick_update"),
]
