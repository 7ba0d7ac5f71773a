from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Min, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView

from core import freshness
from core.freshness import Fresh
from core.pagination import KeysetListMixin
from dashboard.visibility import CachedResultsMixin
from documents.views import ConflictSafeEditMixin, merge_options, presence_context
from incidents.models import Incident, Service, visible_q
from postmortems.models import ActionItem
from references.selectors import mentions_of, runbook_once_called

from . import services
from .contents import table_of_contents
from .drills import apply_drill_outcome, start_drill
from .filters import RunbookFilter
from .forms import RunbookForm, RunbookUsageForm
from .models import Runbook
from .outline import NEW_RUNBOOK_BODY

USAGES_SHOWN = 50


class RunbookListView(CachedResultsMixin, KeysetListMixin, FilterView):
    """Walked by keyset ("Next →" / "← Previous") in every sort, so the last runbook is as close as the first.
    The filters and rows are rendered once per write generation (CachedResultsMixin), and again when a runbook's
    review falls due."""

    filterset_class = RunbookFilter
    template_name = "runbooks/runbook_list.html"
    results_template_name = "runbooks/_runbook_results.html"

    def get_queryset(self):
        return (
            Runbook.objects.with_review_state(self.now)  # due for review as of this request, not of start-up
            .defer("body", "rendered_body")  # a list shows neither
            .select_related("last_reviewed_by")
            .prefetch_related(Prefetch("services", queryset=Service.objects.only("id", "name")), "tags")
        )

    def results_until(self, now):
        """When the next runbook's review falls due: its "Due for review" tag and the state filter change then."""
        upcoming = Runbook.objects.with_review_due_at().filter(review_due_at__gt=now)
        return upcoming.aggregate(first=Min("review_due_at"))["first"]

    def get_paginate_by(self, queryset):
        return settings.HINDSIGHT_PAGE_SIZE  # read per request, so a test can shrink the pages

    def keyset_anchors(self):
        return Runbook.objects.all()


class RunbookDetailView(DetailView):
    template_name = "runbooks/runbook_detail.html"
    context_object_name = "runbook"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            renamed = runbook_once_called(kwargs["slug"])  # links saved before a rename keep working
            if renamed is None:
                raise
            return redirect(renamed, permanent=True)

    def get_queryset(self):
        return (
            Runbook.objects.with_review_state()
            .select_related("last_reviewed_by", "updated_by")
            .prefetch_related("services", "tags")
        )

    def get_object(self, queryset=None):
        """The runbook, its contents, its uses and open action items this reader may see (six queries), cached
        per reader under the write generation (core.freshness): any write reads them again, and so does the
        moment the runbook falls due for review."""
        if queryset is not None:
            return super().get_object(queryset)
        slug = self.kwargs[self.slug_url_kwarg]
        runbook, self.shown = freshness.cached(
            "runbook-page", (slug, self.request.user.pk), lambda: self._read(slug)
        )
        if runbook is None:
            raise Http404("No runbook found matching the query")
        return runbook

    def _read(self, slug):
        runbook = self.get_queryset().filter(slug=slug).first()
        if runbook is None:
            return Fresh((None, {}))
        user = self.request.user
        shown = {
            "toc": table_of_contents(runbook.rendered_body),
            "usages": list(
                runbook.usages.filter(visible_q(user, "incident__")).select_related(
                    "incident", "recorded_by"
                )[:USAGES_SHOWN]
            ),
            "open_action_items": open_action_items_for(runbook, user),
        }
        # "Due for review" changes with the clock alone, when the review falls due.
        falls_due = None if runbook.is_due_for_review else runbook.review_due_at
        return Fresh((runbook, shown), until=falls_due)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        runbook = self.object
        context.update(self.shown)
        context["mentions"] = mentions_of(runbook, viewer=self.request.user)
        context["mention_syntax"] = f"[[{runbook.title}]]"
        context.update(presence_context(self.request, runbook, editing=False))
        return context


def open_action_items_for(runbook, user):
    """Open postmortem action items that point at this runbook."""
    items = ActionItem.objects.visible_to(user).filter(runbook=runbook).open()
    return list(items.select_related("owner", "postmortem__incident")[:USAGES_SHOWN])


class RunbookSaveMixin(ConflictSafeEditMixin):
    def save_document(self, form):
        return services.save_runbook(
            runbook=form.instance,
            by=self.request.user,
            expected_version=form.cleaned_data["loaded_version"],
            services=form.cleaned_data["services"],
            tag_names=form.cleaned_data["tag_names"],
            **merge_options(self.request, form),
        )


class RunbookCreateView(PermissionRequiredMixin, RunbookSaveMixin, CreateView):
    permission_required = "runbooks.add_runbook"
    model = Runbook
    form_class = RunbookForm
    template_name = "runbooks/runbook_form.html"
    saved_message = "Runbook created."

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=reverse("runbooks:list"), **kwargs)

    def get_initial(self):
        return {
            "body": NEW_RUNBOOK_BODY,
            "review_interval_days": Runbook._meta.get_field("review_interval_days").default,
        }


class RunbookUpdateView(PermissionRequiredMixin, RunbookSaveMixin, UpdateView):
    permission_required = "runbooks.change_runbook"
    model = Runbook
    form_class = RunbookForm
    template_name = "runbooks/runbook_form.html"
    saved_message = "Runbook saved."

    def get_queryset(self):
        return Runbook.objects.prefetch_related("tags")

    def get_context_data(self, **kwargs):
        # The form may have put an unsaved slug on the object; links use the address we came from.
        back_url = reverse("runbooks:detail", args=[self.kwargs["slug"]])
        context = super().get_context_data(back_url=back_url, **kwargs)
        context.update(presence_context(self.request, self.object, editing=True, document_url=back_url))
        return context


@require_POST
@permission_required("runbooks.change_runbook", raise_exception=True)
def mark_reviewed(request, slug):
    runbook = get_object_or_404(Runbook, slug=slug)
    services.mark_reviewed(runbook=runbook, by=request.user)
    messages.success(request, f"Marked reviewed. Next review due {runbook.review_due_on:%-d %b %Y}.")
    return redirect(runbook)


@permission_required("runbooks.add_runbookusage", raise_exception=True)
def record_usage(request, incident_pk):
    """Record how a runbook served an incident (or that one was missing). Re-recording a runbook updates it."""
    incident = get_object_or_404(Incident.objects.visible_to(request.user), pk=incident_pk)
    form = RunbookUsageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        usage = services.record_runbook_usage(incident=incident, by=request.user, **form.cleaned_data)
        what = usage.runbook or "A missing runbook"
        outcome = apply_drill_outcome(usage, request.user)
        messages.success(
            request,
            f"Recorded for {incident.reference}: {what} — {usage.get_outcome_display()}. {outcome}".strip(),
        )
        return redirect(f"{incident.get_absolute_url()}#runbooks-used")
    status = 400 if request.method == "POST" else 200
    return render(request, "runbooks/usage_form.html", {"incident": incident, "form": form}, status=status)


@require_POST
@permission_required(["runbooks.change_runbook", "incidents.add_incident"], raise_exception=True)
def practise(request, slug):
    """Start a drill on this runbook (editors): its outcome will count as a review of the runbook."""
    runbook = get_object_or_404(Runbook, slug=slug)
    drill = start_drill(runbook=runbook, by=request.user)
    messages.success(
        request,
        f"{drill.reference} declared as a drill. Work through the runbook, then record below how it did.",
    )
    return redirect(drill)
