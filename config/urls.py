from django.contrib import admin
from django.urls import include, path

from dashboard import views as dashboard_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("incidents/", include("incidents.urls")),
    path("postmortems/", include("postmortems.urls")),
    path("action-items/", include("postmortems.action_urls")),
    path("runbooks/", include("runbooks.urls")),
    path("search/", include("search.urls")),
    path("insights/", include("insights.urls")),
    path("status/", include("incidents.status_urls")),
    path("api/", include("incidents.api_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("markdownx/", include("markdownx.urls")),
    path("admin/", admin.site.urls),
]

# A database outage shows a friendly 503 instead of a bare 500 (see perf.views.server_error).
handler500 = "perf.views.server_error"
