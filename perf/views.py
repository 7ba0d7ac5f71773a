"""The benchmark's reference view."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse


@login_not_required
def hello(request):
    """The cheapest Django response through the full middleware stack: what every page is compared against."""
    return HttpResponse("hello", content_type="text/plain")
