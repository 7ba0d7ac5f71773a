"""The site's pages plus two tiny ones for the signed-in cache tests: who is signed in, and a page that needs a
permission (so a test sees what a role allows, not what a page's data does)."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def signed_in_as(request):
    return HttpResponse(request.user.get_username(), content_type="text/plain")


@permission_required("incidents.add_incident", raise_exception=True)
def declare(request):
    return HttpResponse("may declare", content_type="text/plain")


urlpatterns = [
    path("who/", signed_in_as, name="who"),
    path("declare/", declare, name="declare"),
    *site_urlpatterns,
]
