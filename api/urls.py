"""/api/v1/… (the JSON API), /api/schema/ (its OpenAPI 3 description) and /api/docs/ (Swagger UI on it).

The Alertmanager webhook keeps its own address under /api/ (incidents/api_urls.py)."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter
from rest_framework.throttling import BaseThrottle

from . import views

app_name = "rest_api"

router = SimpleRouter(use_regex_path=False)
router.register("incidents", views.IncidentViewSet, basename="incident")
router.register("action-items", views.ActionItemViewSet, basename="action-item")
router.register("postmortems", views.PostmortemViewSet, basename="postmortem")
router.register("runbooks", views.RunbookViewSet, basename="runbook")
router.register("services", views.ServiceViewSet, basename="service")
router.register("categories", views.CategoryViewSet, basename="category")


class SchemaView(SpectacularAPIView):
    """Anyone signed in (token or session) may read the description of what they can call."""

    permission_classes = [IsAuthenticated]
    throttle_classes: list[type[BaseThrottle]] = []


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files, its start-up script a separate request (the CSP allows no inline
    script); signed in through the site's session like every page."""

    template_name = "api/docs.html"
    permission_classes = [IsAuthenticated]
    throttle_classes: list[type[BaseThrottle]] = []


urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SchemaView.as_view(), name="schema"),
    # A page for people: the login page first, as everywhere (DRF's views skip LoginRequiredMiddleware).
    path(
        "docs/",
        login_required(DocsView.as_view(url_name="rest_api:schema", title="Hindsight API")),
        name="docs",
    ),
]
