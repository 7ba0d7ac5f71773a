"""Machine-to-machine endpoints: JSON in, JSON out, token authentication, no session or CSRF."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, OperationalError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .alert_payload import AlertPayloadError, check_content_type, check_token, parse_notification
from .alerts import receive_notification

RETRY_AFTER_SECONDS = 5


def json_error(error: AlertPayloadError) -> JsonResponse:
    response = JsonResponse({"error": error.message}, status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="hindsight"'
    if error.status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def read_body_within(request: HttpRequest, limit: int) -> bytes:
    """The request body, refused (413) past `limit` bytes without buffering more than that, whatever
    Content-Length claims. This endpoint's own limit: DATA_UPLOAD_MAX_MEMORY_SIZE stays small for every other."""
    too_big = AlertPayloadError(
        f"Request body is larger than {limit // (1024 * 1024)} MB (HINDSIGHT_ALERTMANAGER_MAX_MB); "
        "or set max_alerts on the webhook receiver.",
        status=413,
    )
    declared = (request.headers.get("Content-Length") or "0").strip()
    if not declared.isdigit():
        raise AlertPayloadError("Content-Length must be a whole number of bytes.")
    if int(declared) > limit:
        raise too_big
    body = request.read(limit + 1)
    if len(body) > limit:
        raise too_big
    return body


@csrf_exempt
@login_not_required
def alertmanager_webhook(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        response = json_error(AlertPayloadError("Use POST with Alertmanager's webhook JSON.", status=405))
        response["Allow"] = "POST"
        return response
    try:
        check_token(request.headers.get("Authorization"))
        check_content_type(request.headers.get("Content-Type"))
        body = read_body_within(request, settings.HINDSIGHT_ALERTMANAGER_MAX_BYTES)
        notification = parse_notification(body)
        outcome = receive_notification(notification=notification)
    except AlertPayloadError as error:
        return json_error(error)
    except (IntegrityError, OperationalError):
        # Another delivery of the same alerts is being written (or the database is briefly locked): Alertmanager
        # retries a 5xx, and the retry finds the first delivery's rows.
        return json_error(
            AlertPayloadError("These alerts are being recorded by another request; retry.", status=503)
        )
    return JsonResponse(outcome.as_json())
