"""The import page (Editors: upload, preview as a dry run, then confirm) and the incident list's JSON export."""

import json
import secrets
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from incidents.filters import IncidentFilter
from incidents.models import Incident

from .columns import COLUMNS
from .exporting import incident_records
from .forms import ImportUploadForm
from .reading import UnreadableFile, format_of
from .services import ImportReport, import_incident_history

IMPORT_PERMISSIONS = (
    "incidents.add_incident",
    "incidents.add_service",
    "incidents.add_category",
    "postmortems.add_postmortem",
    "postmortems.add_actionitem",
)
SESSION_KEY = "transfer:pending-import"


def _import(request: HttpRequest, pending: dict, *, dry_run: bool) -> ImportReport:
    return import_incident_history(
        content=pending["content"].encode(),
        filename=pending["filename"],
        file_format=format_of(pending["filename"]),
        zone=zoneinfo.ZoneInfo(pending["timezone"]),
        by=request.user if request.user.is_authenticated else None,
        dry_run=dry_run,
        skip_errors=pending["skip_errors"],
    )


@require_http_methods(["GET", "POST"])
@permission_required(IMPORT_PERMISSIONS, raise_exception=True)
def import_history(request: HttpRequest) -> HttpResponse:
    """Upload → a dry-run preview (kept in the session under a one-time key) → confirm to import."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "columns": COLUMNS}
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            pending = {
                "key": secrets.token_urlsafe(16),
                "filename": upload.name,
                "content": upload.read().decode("utf-8-sig"),
                "timezone": form.cleaned_data["timezone"],
                "skip_errors": form.cleaned_data["skip_errors"],
            }
            report = _import(request, pending, dry_run=True)
        except UnicodeDecodeError:
            form.add_error("file", "The file is not UTF-8 text.")
        except UnreadableFile as error:
            form.add_error("file", str(error))
        else:
            request.session[SESSION_KEY] = pending
            context.update(
                report=report,
                key=pending["key"],
                can_import=bool(report.created or report.updated)
                and (not report.errors or pending["skip_errors"]),
            )
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "transfer/import.html", context, status=status)


def _confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION_KEY)
    if not pending or pending["key"] != request.POST.get("confirm"):
        messages.error(request, "That preview has expired: upload the file again.")
        return redirect("transfer:import")
    report = _import(request, pending, dry_run=False)
    del request.session[SESSION_KEY]
    if not report.applied:
        messages.error(request, "Nothing was imported: the file has bad rows.")
        return redirect("transfer:import")
    messages.success(
        request,
        f"Imported {report.filename}: {len(report.created)} created, {len(report.updated)} updated, "
        f"{report.skipped} skipped.",
    )
    return redirect("incidents:list")


def export_json(request: HttpRequest) -> StreamingHttpResponse:
    """The incident list, filtered as on the page, in the import format as a JSON list (streamed)."""
    filterset = IncidentFilter(request.GET, queryset=Incident.objects.all(), request=request)
    incidents = filterset.qs if filterset.is_valid() else Incident.objects.none()

    def chunks():
        yield "["
        for number, record in enumerate(incident_records(incidents)):
            yield ("," if number else "") + "\n" + json.dumps(record)
        yield "\n]\n"

    return StreamingHttpResponse(
        chunks(),
        content_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="incidents-{timezone.localdate():%Y-%m-%d}.json"'
        },
    )
