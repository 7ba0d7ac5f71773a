"""Drafting and posting status updates from the incident page."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from . import services
from .communication import draft_status_update, draftable_kinds, suggested_kind
from .forms import StatusUpdateForm
from .models import Incident, StatusUpdate, TimelineEntry


def may_publish(incident, user, visibility):
    """A restricted incident reaches the status page only through its communications lead's explicit update."""
    if visibility != StatusUpdate.Visibility.PUBLIC or not incident.restricted:
        return True
    return incident.comms_lead_id is not None and incident.comms_lead_id == user.pk


def _incident_for_drafting(request, pk):
    queryset = Incident.objects.visible_to(request.user).prefetch_related(
        "services", Prefetch("timeline", queryset=TimelineEntry.objects.order_by("occurred_at", "id"))
    )
    return get_object_or_404(queryset, pk=pk)


@permission_required("incidents.add_statusupdate", raise_exception=True)
def status_update(request, pk):
    """GET: a draft built from the incident's data (?kind=initial|update|resolution). POST: post it."""
    incident = _incident_for_drafting(request, pk)
    last_update = incident.status_updates.first()
    kinds = draftable_kinds(incident, last_update)
    if not kinds:
        messages.info(request, f"{incident.reference} is resolved and its resolution notice is posted.")
        return redirect(incident)
    if request.method == "POST":
        form = StatusUpdateForm(request.POST, kinds=kinds)
        if form.is_valid() and not may_publish(incident, request.user, form.cleaned_data["visibility"]):
            form.add_error(
                "visibility",
                "This incident is restricted: only its communications lead can publish an update on the public "
                "status page. Post it internally, or ask the communications lead.",
            )
        if form.is_valid():
            update = services.post_status_update(incident=incident, by=request.user, **form.cleaned_data)
            where = "on the public status page" if update.is_public else "internally"
            messages.success(request, f"{update.get_kind_display()} posted {where}.")
            return redirect(incident)
        return render(
            request, "incidents/status_update_form.html", {"incident": incident, "form": form}, status=400
        )
    kind = request.GET.get("kind")
    if kind not in kinds:
        kind = suggested_kind(incident, last_update)
    form = StatusUpdateForm(initial=draft_status_update(incident, kind), kinds=kinds)
    return render(request, "incidents/status_update_form.html", {"incident": incident, "form": form})
