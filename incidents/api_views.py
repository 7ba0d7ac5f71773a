"""Machine-to-machine endpoints: JSON in, JSON out, token authentication, no session or CSRF."""

from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .alerts import MAX_BODY_BYTES, AlertPayloadError, check_token, parse_payload, receive_alerts


def json_error(error):
    response = JsonResponse({"error": error.message}, status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="hindsight"'
    return response


@csrf_exempt
@login_not_required
def alertmanager_webhook(request):
    if request.method != "POST":
        response = json_error(AlertPayloadError("Use POST with Alertmanager's webhook JSON.", status=405))
        response["Allow"] = "POST"
        return response
    try:
        check_token(request.headers.get("Authorization"))
        declared_length = int(request.headers.get("Content-Length") or 0)
        if declared_length > MAX_BODY_BYTES:
            raise AlertPayloadError(f"Request body is larger than {MAX_BODY_BYTES} bytes.", status=413)
        # Read at most one byte past the cap: never buffer an oversized body, whatever Content-Length says.
        body = request.read(MAX_BODY_BYTES + 1)
        group_key, alerts = parse_payload(body)
    except ValueError:
        return json_error(AlertPayloadError("Content-Length is not a number."))
    except AlertPayloadError as error:
        return json_error(error)
    try:
        summary = receive_alerts(group_key, alerts)
    except IntegrityError:
        # Alertmanager retried while the first delivery was still being written: that one wins, this changes nothing.
        return json_error(AlertPayloadError("The same alert is being processed by another request; retry later.",
                                            status=409))
    return JsonResponse({"status": "ok", **summary})
