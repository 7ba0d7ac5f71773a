from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from dashboard import views as dashboard_views
from documents import uploads
from incidents.catalog_urls import categories, services

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("incidents/", include("incidents.urls")),
    path("incidents/", include("transfer.urls")),
    path("services/", include(services)),
    path("categories/", include(categories)),
    path("postmortems/", include("postmortems.urls")),
    path("postmortems/", include("reviews.urls")),
    path("action-items/", include("postmortems.action_urls")),
    path("meetings/", include("meetings.urls")),
    path("runbooks/", include("runbooks.urls")),
    path("search/", include("search.urls")),
    path("insights/", include("insights.urls")),
    path("status/", include("incidents.status_urls")),
    path("api/", include("incidents.api_urls")),  # the Alertmanager webhook, at the address it always had
    path("api/", include("api.urls")),
    path("accounts/api-tokens/", include("api.token_urls")),
    path("notifications/", include("notifications.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    # Markdown editor uploads and preview, checked and served safely (see documents/uploads.py); these come
    # first so they answer instead of markdownx's own views at the same addresses.
    path("markdownx/upload/", uploads.upload_image, name="markdownx_upload"),
    path("markdownx/markdownify/", uploads.markdown_preview, name="markdownx_markdownify"),
    path(
        f"{settings.MEDIA_URL.lstrip('/')}{settings.MARKDOWNX_MEDIA_PATH}<path:path>",
        uploads.serve_upload,
        name="uploaded_image",
    ),
    path("markdownx/", include("markdownx.urls")),
    path("admin/", admin.site.urls),
]

# A form too large to read gets the site's own 413 page naming the limits (see core.views.bad_request).
handler400 = "core.views.bad_request"
# A database outage shows a friendly 503 instead of a bare 500 (see core.views.server_error).
handler500 = "core.views.server_error"
