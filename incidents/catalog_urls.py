"""/services/… and /categories/…: the catalog pages (incidents/catalog_views.py)."""

from django.urls import path

from . import catalog_views

services = (
    [
        path("", catalog_views.service_list, name="list"),
        path("new/", catalog_views.service_create, name="create"),
        path("<int:pk>/", catalog_views.service_detail, name="detail"),
        path("<int:pk>/edit/", catalog_views.service_edit, name="edit"),
        path("<int:pk>/merge/", catalog_views.service_merge, name="merge"),
    ],
    "services",
)
categories = (
    [
        path("", catalog_views.category_list, name="list"),
        path("new/", catalog_views.category_create, name="create"),
        path("<int:pk>/edit/", catalog_views.category_edit, name="edit"),
        path("<int:pk>/merge/", catalog_views.category_merge, name="merge"),
    ],
    "categories",
)
