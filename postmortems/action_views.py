"""Action items: the review-meeting page, each person's list, CSV export and the item's own form."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count, Min
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, ListView, UpdateView

from accounts.selectors import people
from core import freshness
from core.csv_export import csv_response
from core.freshness import Fresh
from core.pagination import KeysetListMixin, keyset_page
from core.people import display_name
from dashboard.visibility import CachedResultsMixin, cached_for_viewer
from incidents.models import Service, visible_q
from reviews.models import ReviewComment
from reviews.selectors import waiting_for_review

from . import services
from .filters import ActionItemFilter
from .forms import ActionItemCreateForm, ActionItemForm, QuickUpdateForm
from .models import ActionItem, Postmortem

SECTION_SIZE = 25
DUE_SOON_DAYS = 7
RECENTLY_CLOSED_DAYS = 14


SECTION_HEADINGS = {
    "unowned": "Unowned",
    "overdue": "Overdue",
    "due_soon": "Due this week",
    "recently_closed": "Recently closed",
}


def review_sections(items, today, now):
    """(key, heading, queryset) for the review meeting, in the order it is run."""
    return [
        ("unowned", SECTION_HEADINGS["unowned"], items.unowned().by_due_date()),
        ("overdue", SECTION_HEADINGS["overdue"], items.overdue(today).by_due_date()),
        ("due_soon", SECTION_HEADINGS["due_soon"], items.due_within(DUE_SOON_DAYS, today).by_due_date()),
        (
            "recently_closed",
            SECTION_HEADINGS["recently_closed"],
            items.recently_closed(RECENTLY_CLOSED_DAYS, now).order_by("-completed_at", "-id"),
        ),
    ]


def section_counts(items, today, now):
    """Every section's size in one query, by the same rules as the sections' queryset methods."""
    rules = ActionItem.objects.predicates(
        today=today, now=now, due_within_days=DUE_SOON_DAYS, closed_within_days=RECENTLY_CLOSED_DAYS
    )
    sections = {
        "open": "open",
        "unowned": "unowned",
        "overdue": "overdue",
        "due_soon": "due_within",
        "recently_closed": "recently_closed",
    }
    # Every section is open or recently closed: the WHERE lets the status indexes skip the long closed history.
    relevant = items.filter(rules["open"] | rules["recently_closed"])
    return relevant.aggregate(**{key: Count("pk", filter=rules[rule]) for key, rule in sections.items()})


def owner_options():
    """Everyone who can own an item, once per page: the rows' shared datalist and the owner filter use it (cached
    until the next write)."""
    return freshness.cached(
        "owner-options", [], lambda: Fresh(list(people().only("pk", "username", "first_name", "last_name")))
    )


def service_options():
    """(pk, name) of every service, for the service filter (cached until the next write)."""
    return freshness.cached(
        "service-options", [], lambda: Fresh(list(Service.objects.values_list("pk", "name")))
    )


def filtered_items(request, owners=None):
    """The review filters applied; `owners` (from owner_options) saves the owner filter a second query, and the
    service filter's choices come from the cache."""
    item_filter = ActionItemFilter(
        request.GET or None, queryset=ActionItem.objects.for_review().visible_to(request.user)
    )
    if owners is not None:
        field = item_filter.form.fields["owner"]
        field.widget.choices = [
            ("", field.empty_label),
            (field.null_value, field.null_label),
            *((user.pk, display_name(user)) for user in owners),
        ]
    field = item_filter.form.fields["service"]
    field.widget.choices = [("", field.empty_label), *service_options()]
    return item_filter


def review_figures(request, now):
    """The section counts, the postmortems waiting for review, and the filter form and the sections as HTML: the
    same for every reader who may see what this one may see, with the same filters and the same right to reassign.
    Cached until the next write, or until the oldest recently closed item leaves its window (the days are in the
    key); the sections' CSRF token is filled in per request (`review`)."""
    today = timezone.localdate(now)
    can_reassign = request.user.has_perm("postmortems.change_actionitem")

    def compute():
        item_filter = filtered_items(request, owner_options())
        items = item_filter.qs
        sections = [
            {"key": key, "heading": heading, "items": list(queryset[:SECTION_SIZE])}
            for key, heading, queryset in review_sections(items, today, now)
        ]
        counts = section_counts(items, today, now)
        for section in sections:
            section["count"] = counts[section["key"]]
        shown = {
            "sections": sections,
            "params": request.GET,
            "next_url": request.get_full_path(),
            "query": request.GET.urlencode(),
            "today": today,
            "status_choices": ActionItem.Status.choices,
            "perms": {"postmortems": {"change_actionitem": can_reassign}},
            "csrf_token": freshness.CSRF_SLOT,
        }
        figures = {
            "counts": counts,
            # As HTML, like the rest: unpickling model instances on every request fed the garbage collector.
            "waiting_section": render_to_string(
                "reviews/_waiting_for_review.html",
                {"waiting_for_review": waiting_for_review(viewer=request.user, limit=SECTION_SIZE)},
            ),
            "filters": render_to_string(  # a GET form: it shows nothing of its reader
                "includes/filter_sidebar.html",
                {"filter": item_filter, "filter_action": reverse("actions:review")},
                request=request,
            ),
            "sections": render_to_string("actions/_review_sections.html", shown),
        }
        return Fresh(figures, until=recently_closed_ends(now))

    parts = [request.get_full_path(), can_reassign]
    return cached_for_viewer("action-item-review", request.user, parts, compute, now=now)


def recently_closed_ends(now):
    """When the earliest recently closed item (of anyone's) leaves the "Recently closed" section."""
    since = now - timedelta(days=RECENTLY_CLOSED_DAYS)
    closed = ActionItem.objects.closed().filter(completed_at__gte=since)
    first = closed.aggregate(first=Min("completed_at"))["first"]
    return first + timedelta(days=RECENTLY_CLOSED_DAYS) if first else None


def owner_datalist():
    """actions/_owner_options.html for everyone who can own an item, rendered once per generation."""
    return freshness.cached(
        "owner-datalist",
        [],
        lambda: Fresh(render_to_string("actions/_owner_options.html", {"owner_options": owner_options()})),
    )


def review(request):
    """The review meeting: what has no owner, what is late, what is due, what just closed."""
    figures = review_figures(request, timezone.now())
    return render(
        request,
        "actions/review.html",
        {
            **figures,
            "sections": freshness.with_csrf_token(figures["sections"], request),
            # The list itself is only read if something other than the template asks (tests): no query otherwise.
            "waiting_for_review": SimpleLazyObject(
                lambda: waiting_for_review(viewer=request.user, limit=SECTION_SIZE)
            ),
            "owner_datalist": owner_datalist,  # only rendered for those who may reassign
            "query": request.GET.urlencode(),
        },
    )


class ActionItemListView(CachedResultsMixin, KeysetListMixin, ListView):
    """Every item matching the review page's filters (and optionally one of its sections), walked by keyset. The
    filters and rows are rendered once per write generation for everyone who may see the same items with the same
    rights (CachedResultsMixin), and again when a recently closed item leaves its window."""

    template_name = "actions/actionitem_list.html"
    results_template_name = "actions/_actionitem_results.html"

    def get_paginate_by(self, queryset):
        return settings.HINDSIGHT_PAGE_SIZE  # read per request, so a test can shrink the pages

    def keyset_anchors(self):
        return ActionItem.objects.visible_to(self.request.user)

    def get_queryset(self):
        self.owners = owner_options()
        self.filter = filtered_items(self.request, self.owners)
        items = self.filter.qs
        self.section = self.request.GET.get("section", "")
        for key, heading, queryset in review_sections(items, timezone.localdate(self.now), self.now):
            if key == self.section:
                self.section_heading = heading
                return queryset
        self.section, self.section_heading = "", "All action items"
        return items.by_status_and_due_date()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filter=self.filter,
            heading=self.section_heading,
            # Recently closed is newest first; the other orders run by due date.
            next_label="Older" if self.section == "recently_closed" else "Next",
            previous_label="Newer" if self.section == "recently_closed" else "Previous",
            owner_options=self.owners,
            status_choices=ActionItem.Status.choices,
            query=self.request.GET.urlencode(),
            today=timezone.localdate(self.now),
        )
        return context

    def get_page_context(self):
        section = self.request.GET.get("section", "")
        return {
            "heading": SECTION_HEADINGS.get(section, "All action items"),
            "owner_datalist": owner_datalist,
        }

    def results_until(self, now):
        return recently_closed_ends(now)


def my_action_items(request):
    mine = ActionItem.objects.for_review().visible_to(request.user).filter(owner=request.user)
    page = keyset_page(
        mine.open().by_due_date(),
        anchors=ActionItem.objects.visible_to(request.user),
        per_page=settings.HINDSIGHT_PAGE_SIZE,
        cursor=request.GET.get("page"),
    )
    return render(
        request,
        "actions/mine.html",
        {
            "page_obj": page,
            "object_list": page.object_list,
            "overdue_count": mine.overdue().count(),
            "recently_closed": list(
                mine.recently_closed(RECENTLY_CLOSED_DAYS).order_by("-completed_at")[:10]
            ),
            "to_review": list(
                Postmortem.objects.visible_to(request.user)
                .filter(reviewers=request.user, status=Postmortem.Status.IN_REVIEW)
                .select_related("incident")
                .order_by("created_at")[:20]
            ),
            "comments_waiting": list(
                ReviewComment.objects.waiting_for(request.user)
                .filter(visible_q(request.user, "postmortem__incident__"))
                .select_related("postmortem", "author")
                .order_by("created_at")[:20]
            ),
            "status_choices": ActionItem.Status.choices,
            "owner_options": owner_options(),
            "query": "",
            "today": timezone.localdate(),
        },
    )


CSV_COLUMNS = [
    "id",
    "title",
    "kind",
    "priority",
    "status",
    "owner",
    "team",
    "due_date",
    "completed_at",
    "incident",
    "postmortem",
    "wont_do_reason",
    "url",
]


def export_csv(request):
    items = filtered_items(request).qs.order_by("due_date", "priority", "id")
    rows = (
        [
            item.pk,
            item.title,
            item.get_kind_display(),
            item.get_priority_display(),
            item.get_status_display(),
            display_name(item.owner),
            item.team,
            item.due_date or "",
            timezone.localtime(item.completed_at).strftime("%Y-%m-%d %H:%M") if item.completed_at else "",
            item.postmortem.incident.reference,
            item.postmortem.title,
            item.wont_do_reason,
            request.build_absolute_uri(item.get_absolute_url()),
        ]
        for item in items.iterator(chunk_size=500)
    )
    return csv_response(f"action-items-{timezone.localdate()}.csv", CSV_COLUMNS, rows)


def safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
@permission_required("postmortems.change_actionitem", raise_exception=True)
def quick_update(request, pk):
    """Assign an owner or change status from a list row, then go back to the same filtered list."""
    item = get_object_or_404(ActionItem.objects.visible_to(request.user).select_related("owner"), pk=pk)
    form = QuickUpdateForm(request.POST, instance=item)
    if form.is_valid():
        services.save_action_item(item=form.instance, by=request.user)
        owner = display_name(item.owner, "nobody")
        messages.success(
            request, f"Updated “{item.title}”: {item.get_status_display().lower()}, owner {owner}."
        )
        return HttpResponseRedirect(safe_next(request, reverse("actions:review")))
    # Show the full form with the error beside the field and what was chosen kept. (A fresh instance: the
    # refused form has already written its values onto `item`.)
    saved = ActionItem.objects.get(pk=pk)
    full = ActionItemForm(
        data={**ActionItemForm(instance=saved).initial, **request.POST.dict()}, instance=saved
    )
    full.is_valid()
    return render(
        request,
        "actions/actionitem_form.html",
        {
            "form": full,
            "object": saved,
            "next": safe_next(request, ""),
            "owner_options": owner_options(),
            "form_action": reverse("actions:edit", args=[item.pk]),
        },
        status=400,
    )


class ActionItemCreateView(PermissionRequiredMixin, CreateView):
    permission_required = "postmortems.add_actionitem"
    form_class = ActionItemCreateForm
    template_name = "actions/actionitem_form.html"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["postmortem"].queryset = (
            Postmortem.objects.visible_to(self.request.user).select_related("incident")
        ).order_by("-created_at")
        return form

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("postmortem", "").isdigit():
            initial["postmortem"] = self.request.GET["postmortem"]
        return initial

    def form_valid(self, form):
        form.instance.created_by = self.request.user
        self.object = services.save_action_item(item=form.instance, by=self.request.user)
        messages.success(self.request, f"Action item “{self.object.title}” added.")
        return HttpResponseRedirect(safe_next(self.request, self.object.postmortem.get_absolute_url()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = self.request.GET.get("next", "")
        context["owner_options"] = owner_options()
        return context


class ActionItemUpdateView(PermissionRequiredMixin, UpdateView):
    permission_required = "postmortems.change_actionitem"
    form_class = ActionItemForm
    template_name = "actions/actionitem_form.html"

    def get_queryset(self):
        return ActionItem.objects.visible_to(self.request.user).select_related(
            "postmortem__incident", "owner"
        )

    def form_valid(self, form):
        self.object = services.save_action_item(item=form.instance, by=self.request.user)
        messages.success(self.request, f"Action item “{self.object.title}” saved.")
        return HttpResponseRedirect(safe_next(self.request, self.object.postmortem.get_absolute_url()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = self.request.GET.get("next", "") or self.request.POST.get("next", "")
        context["owner_options"] = owner_options()
        return context
