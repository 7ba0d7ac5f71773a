"""The benchmark's reference view and the error pages that must work when the database does not."""

import logging
import sys

from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


@login_not_required
def hello(request):
    """The cheapest Django response through the full middleware stack: what every page is compared against."""
    return HttpResponse("hello", content_type="text/plain")


@requires_csrf_token
def server_error(request):
    """handler500: a database outage is a friendly, retryable 503; anything else the usual 500 page.

    Rendered without a RequestContext on purpose: context processors would touch the session and the user,
    i.e. the database that may be the very thing that is down.
    """
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        logger.warning("Database unavailable: %s", error)
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "10"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
