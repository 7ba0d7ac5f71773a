from django.contrib import admin
from django.urls import include, path

from dashboard import views as dashboard_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("incidents/", include("incidents.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("markdownx/", include("markdownx.urls")),
    path("admin/", admin.site.urls),
]
