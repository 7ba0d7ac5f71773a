"""Error pages the site answers with instead of Django's bare ones."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import bad_request as django_bad_request

from documents.limits import MAX_BODY_LENGTH


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
