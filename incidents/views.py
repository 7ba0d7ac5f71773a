from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import date as date_filter
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView

from core import freshness
from core.freshness import Fresh
from core.pagination import keyset_page
from dashboard import live
from dashboard.visibility import CachedResultsMixin
from documents.views import warn_about_missing_references
from references.selectors import mentions_of
from runbooks.models import RunbookUsage

from . import services
from .checklist import TickRefused, checklist_for, tick_item
from .communication import communication_state
from .filters import IncidentFilter
from .forms import DeclareIncidentForm, IncidentForm, StatusChangeForm, TimelineEntryForm
from .models import (
    SEVERITY_DESCRIPTIONS,
    Category,
    ChecklistItem,
    Incident,
    IncidentChecklistTick,
    Service,
    StatusUpdate,
    TimelineEntry,
)
from .selectors import alert_panel, visible_incidents
from .similar import Draft, likely_runbooks, similar_incidents

ALERTS_PER_PAGE = 100
# What a row of the incident list shows: the rest of an incident (its Markdown, roles, links) stays in the database.
LIST_COLUMNS = ("id", "title", "severity", "kind", "status", "restricted", "started_at", "resolved_at")


class IncidentListView(CachedResultsMixin, FilterView):
    """Walked by keyset ("Older →" / "← Newer"), so the last row is as close as the first. The filters and rows
    are rendered once per write generation for everyone who may see the same incidents (CachedResultsMixin)."""

    filterset_class = IncidentFilter
    template_name = "incidents/incident_list.html"
    results_template_name = "incidents/_incident_results.html"

    def get_queryset(self):
        return (
            visible_incidents(self.request.user)
            .only(*LIST_COLUMNS)
            .prefetch_related(
                Prefetch("services", queryset=Service.objects.only("id", "name")),
                Prefetch("categories", queryset=Category.objects.only("id", "name")),
            )
        )

    def get_paginate_by(self, queryset):
        return settings.HINDSIGHT_PAGE_SIZE  # read per request, so a test can shrink the pages

    def paginate_queryset(self, queryset, page_size):
        page = keyset_page(
            queryset,
            anchors=Incident.objects.visible_to(self.request.user),
            per_page=page_size,
            cursor=self.request.GET.get("page"),
        )
        return None, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = list_rows(context["object_list"])
        context["page_query"] = _query_without_page(self.request)
        # Newest first is the default order, so its neighbours are older and newer incidents.
        by_time = self.request.GET.get("sort", "-started") in ("", "-started")
        context["next_label"], context["previous_label"] = (
            ("Older", "Newer") if by_time else ("Next", "Previous")
        )
        return context


_STAND_IN_PK = 987654321


def list_rows(incidents):
    """What each row of the list shows, worked out here once (the URL, the labels, the dates as text), so the
    row template only places them: per row, the template's lookups and filters cost more than the query."""
    # The detail URL reversed once, with a stand-in number replaced by each row's.
    url_pattern = reverse("incidents:detail", args=[_STAND_IN_PK]).replace(str(_STAND_IN_PK), "{}")
    return [
        {
            "pk": incident.pk,
            "url": url_pattern.format(incident.pk),
            "title": incident.title,
            "practice_label": incident.get_kind_display()
            if incident.kind and incident.kind != "real"
            else "",
            "restricted": incident.restricted,
            "categories": [category.name for category in incident.categories.all()],
            "severity": incident.severity,
            "severity_label": incident.get_severity_display(),
            "status": incident.status,
            "status_label": incident.get_status_display(),
            "services": ", ".join(service.name for service in incident.services.all()),
            "started_iso": date_filter(incident.started_at, "c"),
            "started_text": date_filter(incident.started_at, "j M Y H:i"),
            # Filled in per request: an open incident's duration grows while its row stays cached.
            "duration": live.slot("open_for", incident.started_at, incident.resolved_at),
        }
        for incident in incidents
    ]


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class DeclareIncidentView(PermissionRequiredMixin, CreateView):
    permission_required = "incidents.add_incident"
    form_class = DeclareIncidentForm
    template_name = "incidents/incident_declare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["severity_descriptions"] = SEVERITY_DESCRIPTIONS
        return context

    def form_valid(self, form):
        self.object = services.declare_incident(by=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"{self.object.reference} declared. You are the incident commander.")
        return redirect(self.object)


class IncidentDetailView(DetailView):
    """The incident page. Everything under the header bar is rendered once per write generation for each reader
    (core.freshness): any write (a timeline entry, a status change, a new role, restricting it) renders it again,
    and who may see the incident is decided for this reader, as the query does. Durations that grow with the
    clock are live slots (dashboard.live), and the copy ends when an update or the postmortem falls due."""

    template_name = "incidents/incident_detail.html"
    content_template_name = "incidents/_incident_page.html"

    def get(self, request, *args, **kwargs):
        now = timezone.now()
        parts = (self.kwargs[self.pk_url_kwarg], request.user.pk, request.get_full_path())
        page = freshness.cached("incident-page-html", parts, lambda: self.render_page(now), now=now)
        return self.page_response(page, now)

    def render_page(self, now, **context) -> Fresh:
        """The page's content as HTML (with a CSRF slot and live slots), its title, and when it goes stale."""
        self.object = self.get_object()
        context = self.get_context_data(object=self.object, **context)
        html = render_to_string(
            self.content_template_name, {**context, "csrf_token": freshness.CSRF_SLOT}, request=self.request
        )
        page = {"html": html, "title": f"{self.object.reference} {self.object.title}"}
        return Fresh(page, until=_page_changes_at(self.object, context["communication"], now))

    def page_response(self, page, now, status=200):
        content = live.fill(freshness.with_csrf_token(page["html"], self.request), now)
        context = {"content": content, "page_title": page["title"]}
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get_queryset(self):
        return (
            Incident.objects.visible_to(self.request.user)
            .select_related(
                "commander",
                "tech_lead",
                "comms_lead",
                "scribe",
                "created_by",
                "postmortem",
                "practised_runbook",
            )
            .defer(
                "postmortem__body",
                "postmortem__rendered_body",
                "practised_runbook__body",
                "practised_runbook__rendered_body",
            )
            .prefetch_related(
                "services",
                "categories",
                "smes",
                Prefetch("timeline", queryset=TimelineEntry.objects.select_related("author")),
                Prefetch("status_updates", queryset=StatusUpdate.objects.select_related("author")),
                Prefetch(
                    "runbook_usages", queryset=RunbookUsage.objects.select_related("runbook", "recorded_by")
                ),
                Prefetch("checklist_ticks", queryset=IncidentChecklistTick.objects.select_related("by")),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incident = self.object
        timeline_form = kwargs.get("timeline_form") or TimelineEntryForm(incident=incident)
        if "added" in self.request.GET or kwargs.get("timeline_form"):
            # Keep the scribe's flow: straight back into the box after adding (or fixing) an entry.
            timeline_form.fields["text"].widget.attrs["autofocus"] = True
        context["timeline_form"] = timeline_form
        context["status_form"] = StatusChangeForm(initial={"status": incident.status})
        context["target_check"] = incident.response_target_check()
        context["figures"] = [
            ("Time to detect", incident.time_to_detect_value, "started → detected"),
            ("Time to acknowledge", incident.time_to_acknowledge_value, "detected → acknowledged"),
            ("Time to mitigate", incident.time_to_mitigate_value, "started → mitigated"),
            ("Time to resolve", incident.time_to_resolve_value, "started → resolved"),
        ]
        context["communication"] = communication_state(incident)
        context["alert_panel"] = alert_panel(incident)
        context["mentions"] = mentions_of(incident, viewer=self.request.user)
        context["checklist"] = checklist_for(incident)
        return context


def _page_changes_at(incident, communication, now):
    """When the incident page changes with the clock alone (its durations are live slots): the next status update
    falling due, or the postmortem falling overdue."""
    moments = [communication["next_due"]]
    postmortem = getattr(incident, "postmortem", None)
    if postmortem is not None and postmortem.status != postmortem.Status.PUBLISHED:
        moments.append(postmortem.due_at)
    upcoming = [moment for moment in moments if moment is not None and moment > now]
    return min(upcoming, default=None)


def incident_alerts(request, pk):
    """Every alert of an incident, a page at a time (the incident page shows the first few)."""
    incident = get_object_or_404(
        Incident.objects.visible_to(request.user).only("id", "title", "alerts_total", "alerts_firing"), pk=pk
    )
    paginator = Paginator(incident.alerts.for_table(), ALERTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "incidents/incident_alerts.html", {"incident": incident, "page_obj": page})


class IncidentUpdateView(PermissionRequiredMixin, UpdateView):
    permission_required = "incidents.change_incident"
    form_class = IncidentForm
    template_name = "incidents/incident_form.html"

    def get_queryset(self):
        return Incident.objects.visible_to(self.request.user)

    def form_valid(self, form):
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        self.object = services.update_incident(incident=self.object, by=self.request.user, **changes)
        messages.success(self.request, "Incident saved.")
        warn_about_missing_references(self.request, self.object.summary, self.object.customer_impact)
        return redirect(self.get_success_url())


@require_POST
@permission_required("incidents.add_timelineentry", raise_exception=True)
def add_timeline_entry(request, pk):
    incident = get_object_or_404(Incident.objects.visible_to(request.user), pk=pk)
    form = TimelineEntryForm(request.POST, incident=incident)
    if form.is_valid():
        services.add_timeline_entry(incident=incident, by=request.user, **form.cleaned_data)
        return redirect(f"{incident.get_absolute_url()}?added=1")
    # Re-show the incident page with the scribe's text kept and the error beside the box.
    view = IncidentDetailView()
    view.setup(request, pk=pk)
    now = timezone.now()
    return view.page_response(view.render_page(now, timeline_form=form).value, now, status=400)


@require_POST
@permission_required("incidents.change_incident", raise_exception=True)
def change_status(request, pk):
    incident = get_object_or_404(Incident.objects.visible_to(request.user), pk=pk)
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        entry = services.change_status(
            incident=incident,
            status=form.cleaned_data["status"],
            by=request.user,
            note=form.cleaned_data["note"],
        )
        if entry:
            messages.success(request, entry.text)
    else:
        messages.error(request, "Choose a valid status.")
    return redirect(incident)


@require_POST
@permission_required("incidents.change_incident", raise_exception=True)
def tick_checklist_item(request, pk):
    """A responder ticks what the data cannot show; on a resolved incident only with a note."""
    incident = get_object_or_404(Incident.objects.visible_to(request.user), pk=pk)
    item = request.POST.get("item", "")
    if request.POST.get("untick"):
        incident.checklist_ticks.filter(item=item).delete()
        messages.success(request, "Tick removed.")
        return redirect(f"{incident.get_absolute_url()}#checklist-heading")
    try:
        tick = tick_item(incident=incident, item=item, by=request.user, note=request.POST.get("note", ""))
    except TickRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Ticked: {ChecklistItem(tick.item).label}.")
    return redirect(f"{incident.get_absolute_url()}#checklist-heading")


def _similar_context(draft, user):
    similar = similar_incidents(draft, user)
    return {"similar": similar, "runbooks": likely_runbooks(draft, similar), "draft": draft}


def similar_to_incident(request, pk):
    """Past incidents and runbooks like this one: a fragment the incident page fetches, or a page of its own."""
    incident = get_object_or_404(
        Incident.objects.visible_to(request.user).prefetch_related("services", "categories"), pk=pk
    )
    context = {**_similar_context(Draft.of(incident), request.user), "incident": incident}
    if request.GET.get("fragment"):
        return render(request, "incidents/_similar.html", context)
    return render(request, "incidents/incident_similar.html", context)


def similar_to_draft(request):
    """The declare form's suggestions as its title, summary and services are typed: a fragment for similar.js,
    or a page of its own (with a small search form) when opened directly."""
    service_ids = [int(value) for value in request.GET.getlist("services") if value.isdigit()][:20]
    draft = Draft(
        title=request.GET.get("title", "")[:200],
        summary=request.GET.get("summary", "")[:2000],
        service_ids=service_ids,
    )
    if draft.title.strip() or draft.summary.strip() or draft.service_ids:
        context = _similar_context(draft, request.user)
    else:
        context = {"similar": [], "runbooks": [], "draft": draft}
    if request.headers.get("X-Requested-With") == "fetch":
        return render(request, "incidents/_similar.html", context)
    return render(request, "incidents/similar_draft.html", context)
