"""Error pages the site answers with instead of Django's bare ones (they must work when the database does not)."""

import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import bad_request as django_bad_request

from core.limits import MAX_BODY_LENGTH

logger = logging.getLogger(__name__)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a form too large to read gets a 413 page that says the limits (Django's is a bare 400)."""
    if isinstance(exception, RequestDataTooBig):
        context = {
            "request_limit_mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024),
            "body_limit": MAX_BODY_LENGTH,
        }
        return HttpResponse(loader.render_to_string("413.html", context, request=request), status=413)
    return django_bad_request(request, exception)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
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
