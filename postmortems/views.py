from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import transaction
from django.db.models import Min, Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import date as date_filter
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import DetailView, UpdateView
from django_filters.views import FilterView

from accounts.selectors import known_people_names, people
from core import freshness
from core.freshness import Fresh
from core.limits import MAX_BODY_LENGTH
from core.pagination import KeysetListMixin
from core.people import display_name
from core.ratelimit import rate_limited
from dashboard.visibility import CachedResultsMixin
from documents.models import EditConflict
from documents.views import (
    ConflictSafeEditMixin,
    announce_merge,
    merge_options,
    presence_context,
    warn_about_missing_references,
)
from incidents.models import Incident
from incidents.selectors import unhidden_q
from references.selectors import mentions_of
from reviews.selectors import open_comment_count, review_state, waiting_threads, with_open_comment_counts
from reviews.services import NotApproved
from reviews.views import review_context

from . import services
from .blameless import find_blaming_language
from .filters import PostmortemFilter
from .forms import ActionItemFormSet, PostmortemForm, WorkflowForm
from .markdown_export import postmortem_as_markdown
from .models import ActionItem, Postmortem, PostmortemTemplate


def check_text(body):
    return find_blaming_language(body, people_names=known_people_names())


# What a row of the postmortem list shows: the documents' bodies and the rest of their incidents stay in the database.
PERSON_COLUMNS = ("username", "first_name", "last_name")
LIST_COLUMNS = (
    "id",
    "title",
    "status",
    "published_at",
    "updated_at",
    "incident__id",
    "incident__severity",
    "incident__resolved_at",
    "updated_by",
    *(f"updated_by__{column}" for column in PERSON_COLUMNS),
    "published_by",
    *(f"published_by__{column}" for column in PERSON_COLUMNS),
)


class PostmortemListView(CachedResultsMixin, KeysetListMixin, FilterView):
    """Newest first, walked by keyset ("Older →" / "← Newer") to the very first postmortem. The filters and rows
    are rendered once per write generation for everyone who may see the same postmortems (CachedResultsMixin), and
    again when a draft falls overdue."""

    filterset_class = PostmortemFilter
    template_name = "postmortems/postmortem_list.html"
    results_template_name = "postmortems/_postmortem_results.html"

    def get_queryset(self):
        # unhidden_q: the rows of visible_to, counted without reading every incident (100 → 5 ms at 50,000).
        postmortems = Postmortem.objects.for_list().filter(unhidden_q(self.request.user, "incident"))
        return with_open_comment_counts(postmortems.only(*LIST_COLUMNS))

    def get_paginate_by(self, queryset):
        return settings.HINDSIGHT_PAGE_SIZE  # read per request, so a test can shrink the pages

    def keyset_anchors(self):
        return Postmortem.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = list_rows(context["object_list"], now=self.now)
        return context

    def results_until(self, now):
        """When the next unpublished postmortem (of any incident) falls overdue: its row's flag and the "Overdue
        only" filter change then."""
        due = settings.HINDSIGHT_POSTMORTEM_DUE
        waiting = Postmortem.objects.unpublished().filter(incident__resolved_at__gte=now - due)
        first = waiting.aggregate(first=Min("incident__resolved_at"))["first"]
        return first + due if first else None


_STAND_IN_PK = 987654321


def _url_pattern(name):
    """A detail URL reversed once, with a stand-in number to replace by each row's."""
    return reverse(name, args=[_STAND_IN_PK]).replace(str(_STAND_IN_PK), "{}")


def list_rows(postmortems, *, now):
    """What each row of the list shows, worked out here once (URLs, labels, dates as text, people's names), so
    the row template only places them: per row, the template's lookups and filters cost more than the query."""
    postmortem_url, incident_url = _url_pattern("postmortems:detail"), _url_pattern("incidents:detail")
    rows = []
    for postmortem in postmortems:
        incident, due = postmortem.incident, postmortem.due_at
        rows.append(
            {
                "url": postmortem_url.format(postmortem.pk),
                "title": postmortem.title,
                "incident_pk": incident.pk,
                "incident_url": incident_url.format(incident.pk),
                "severity": incident.severity,
                "severity_label": incident.get_severity_display(),
                "status": postmortem.status,
                "status_label": postmortem.get_status_display(),
                "published_text": date_filter(postmortem.published_at, "j M Y")
                if postmortem.published_at
                else "",
                "published_by": display_name(postmortem.published_by, "—"),
                "overdue": due is not None and postmortem.status != "published" and due < now,
                "due_text": date_filter(due, "j M Y H:i") if due else "",
                "open_comments": postmortem.open_comments,
                "updated_iso": date_filter(postmortem.updated_at, "c"),
                "updated_text": date_filter(postmortem.updated_at, "j M Y H:i"),
                "updated_by": display_name(postmortem.updated_by, "—"),
            }
        )
    return rows


@require_POST
@permission_required("postmortems.add_postmortem", raise_exception=True)
def start_postmortem(request, incident_pk):
    """Create the incident's postmortem from the section template (or open the one that exists)."""
    incident = get_object_or_404(Incident.objects.visible_to(request.user), pk=incident_pk)
    template = chosen_template(incident, request.POST.get("template"))
    postmortem, created = services.start_postmortem(incident=incident, by=request.user, template=template)
    if created:
        messages.success(
            request, "Postmortem started. The timeline is already written in; tell the story around it."
        )
    return redirect("postmortems:edit", postmortem.pk)


def chosen_template(incident, template_id):
    """The template picked on the start page, or the default for the incident (None: the built-in sections)."""
    if template_id and str(template_id).isdigit():
        picked = PostmortemTemplate.objects.filter(pk=template_id).first()
        if picked:
            return picked
    return PostmortemTemplate.objects.default_for(incident)


@require_safe
@permission_required("postmortems.add_postmortem", raise_exception=True)
def choose_template(request, incident_pk):
    """Pick the template a new postmortem starts from; the start button uses the default without asking."""
    incident = get_object_or_404(Incident.objects.visible_to(request.user), pk=incident_pk)
    existing = Postmortem.objects.filter(incident=incident).first()
    if existing:
        return redirect("postmortems:edit", existing.pk)
    templates = list(PostmortemTemplate.objects.order_by("name"))
    default = PostmortemTemplate.objects.default_for(incident)
    context = {"incident": incident, "templates": templates, "default": default}
    return render(request, "postmortems/postmortem_start.html", context)


class PostmortemDetailView(DetailView):
    """The postmortem as read. Rendered once per write generation for each reader (core.freshness): any write (an
    edit, a comment, a new action item, a renamed person, restricting its incident) renders it again, and who may
    see it is decided for this reader, as the query does. Who else is here now is filled in per request; the copy
    ends when the postmortem falls overdue (the day, for action items falling overdue, is in the key)."""

    template_name = "postmortems/postmortem_detail.html"
    content_template_name = "postmortems/_postmortem_page.html"

    def get_queryset(self):
        return (
            Postmortem.objects.visible_to(self.request.user)
            .select_related("incident", "published_by", "updated_by")
            .prefetch_related(
                "authors",
                "reviewers",
                "incident__services",
                Prefetch("action_items", queryset=ActionItem.objects.select_related("owner", "runbook")),
            )
        )

    def get(self, request, *args, **kwargs):
        now = timezone.now()
        parts = (self.kwargs[self.pk_url_kwarg], request.user.pk, request.get_full_path())
        page = freshness.cached("postmortem-page-html", parts, lambda: self._render_page(now), now=now)
        presence_html = render_to_string(
            "documents/_presence.html",
            # An unsaved stand-in names the document: presence is kept under its model and number.
            {**presence_context(request, Postmortem(pk=page["pk"]), editing=False), "csrf_token": ""},
        )
        html = freshness.with_csrf_token(page["html"], request).replace(PRESENCE_SLOT, presence_html)
        context = {"content": mark_safe(html), "page_title": page["title"]}
        return TemplateResponse(request, self.template_name, context)

    def _render_page(self, now):
        self.object = postmortem = self.get_object()
        context = self.get_context_data(object=postmortem, now=now)
        html = render_to_string(self.content_template_name, context, request=self.request)
        page = {"html": html, "title": postmortem.title, "pk": postmortem.pk}
        due = postmortem.due_at
        falls_overdue = (
            due if due and due > now and postmortem.status != Postmortem.Status.PUBLISHED else None
        )
        return Fresh(page, until=falls_overdue)

    def get_context_data(self, **kwargs):
        now = kwargs.pop("now")
        context = super().get_context_data(**kwargs)
        context["findings"] = check_text(self.object.body)
        context["presence_html"] = PRESENCE_SLOT
        context["csrf_token"] = freshness.CSRF_SLOT
        context.update(review_context(self.request, self.object))
        context["is_overdue"] = self.object.is_overdue(now)
        context["today"] = timezone.localdate(now)
        context["mentions"] = mentions_of(self.object, viewer=self.request.user)
        return context


# Where the cached postmortem page has its presence line, filled in per request.
PRESENCE_SLOT = mark_safe("<!--presence-->")


class PostmortemEditView(PermissionRequiredMixin, ConflictSafeEditMixin, UpdateView):
    """The Markdown editor with live preview, plus the action items as an inline formset under it."""

    permission_required = "postmortems.change_postmortem"
    form_class = PostmortemForm
    template_name = "postmortems/postmortem_form.html"
    conflict_template_name = "postmortems/postmortem_conflict.html"
    saved_message = "Postmortem saved."

    def get_queryset(self):
        return Postmortem.objects.visible_to(self.request.user).select_related("incident")

    def get_object(self, queryset=None):
        if not hasattr(self, "_postmortem"):  # dispatch checks the lock; the view needs it again
            self._postmortem = super().get_object(queryset)
        return self._postmortem

    def people(self):
        """Everyone who can be an author, reviewer or owner: one query for every list on the page."""
        if not hasattr(self, "_people"):
            self._people = list(people())
        return self._people

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        choices = [(user.pk, display_name(user)) for user in self.people()]
        for name in ("authors", "reviewers"):
            form.fields[name].widget.choices = choices
        return form

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(self.permission_required):
            postmortem = self.get_object()
            if postmortem.is_locked:
                messages.error(request, "This postmortem is published and read-only. Reopen it to edit.")
                return redirect(postmortem)
        return super().dispatch(request, *args, **kwargs)

    def get_formset(self):
        formset = ActionItemFormSet(
            self.request.POST if self.request.method == "POST" else None,
            instance=self.object,
            prefix="items",
            queryset=ActionItem.objects.filter(postmortem=self.object).select_related("owner"),
        )
        return formset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "formset" not in context:
            context["formset"] = self.get_formset()  # bound to the POST on a conflict: their items are kept
        context.setdefault("findings", None)
        context["postmortem"] = self.object
        context["owner_options"] = self.people()
        context["owner_options_markup"] = owner_options_markup(self.people())
        context.update(presence_context(self.request, self.object, editing=True))
        context["open_threads"] = waiting_threads(self.object)
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        formset = self.get_formset()
        if "check_language" in request.POST:
            form.is_valid()
            body = form.data.get("body", "")
            return self.render_to_response(
                self.get_context_data(form=form, formset=formset, findings=check_text(body))
            )
        if form.is_valid() and formset.is_valid():
            return self.save_all(form, formset)
        return self.render_to_response(self.get_context_data(form=form, formset=formset), status=400)

    def save_all(self, form, formset):
        try:
            with transaction.atomic():
                data = form.cleaned_data
                postmortem = services.save_postmortem(
                    postmortem=form.instance,
                    by=self.request.user,
                    expected_version=data["loaded_version"],
                    title=data["title"],
                    body=data["body"],
                    authors=data["authors"],
                    reviewers=data["reviewers"],
                    **merge_options(self.request, form),
                )
                for item in formset.save(commit=False):
                    services.save_action_item(item=item, by=self.request.user)
                for item in formset.deleted_objects:
                    services.delete_action_item(item=item, by=self.request.user)
        except EditConflict as conflict:
            return self.render_conflict(form, conflict)
        self.object = postmortem
        messages.success(self.request, self.saved_message)
        announce_merge(self.request, postmortem)
        warn_about_blaming_language(self.request, postmortem.body)
        warn_about_missing_references(self.request, postmortem.body)
        if "save_and_view" in self.request.POST:
            return redirect(postmortem)
        return redirect("postmortems:edit", postmortem.pk)


def warn_about_blaming_language(request, body, done="Saved anyway"):
    """A warning naming the blaming phrases; saving and publishing go ahead regardless."""
    findings = check_text(body)
    if findings:
        phrases = ", ".join(sorted({f"“{finding.phrase}”" for finding in findings}))
        messages.warning(
            request,
            f"Blameless check: {len(findings)} phrase{'s' if len(findings) != 1 else ''} may read as blaming people "
            f"({phrases}). {done} — see the suggestions on the postmortem page.",
        )


@require_POST
@rate_limited("check_language")
def check_language(request):
    """The editor's preview calls this with the current text; returns the findings as an HTML fragment."""
    body = request.POST.get("body", "")
    if len(body) > MAX_BODY_LENGTH:
        return JsonResponse(
            {"error": f"body: at most {MAX_BODY_LENGTH:,} characters can be checked."}, status=400
        )
    findings = check_text(body)
    html = render_to_string("postmortems/_findings.html", {"findings": findings}, request=request)
    return JsonResponse({"count": len(findings), "html": html})


WORKFLOW_STATUS = {
    "review": Postmortem.Status.IN_REVIEW,
    "publish": Postmortem.Status.PUBLISHED,
    "reopen": Postmortem.Status.DRAFT,
}
WORKFLOW_DONE = {
    "review": "Sent for review.",
    "publish": "Published. It is now read-only; reopen it to change anything.",
    "reopen": "Reopened as a draft.",
}


@dataclass(frozen=True)
class _Person:
    username: str
    get_full_name: str


def owner_options_markup(everyone) -> str:
    """actions/_owner_options.html for these people, rendered once per distinct list of names (a thousand
    options are most of the edit page's rendering): a renamed or added person is a different list."""
    return _owner_options(
        tuple(_Person(person.get_username(), person.get_full_name()) for person in everyone)
    )


@lru_cache(maxsize=8)
def _owner_options(everyone: tuple[_Person, ...]) -> str:
    return mark_safe(render_to_string("actions/_owner_options.html", {"owner_options": everyone}))


@require_POST
@permission_required("postmortems.change_postmortem", raise_exception=True)
def change_workflow(request, pk):
    postmortem = get_object_or_404(Postmortem.objects.visible_to(request.user), pk=pk)
    form = WorkflowForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Unknown workflow step.")
        return redirect(postmortem)
    action = form.cleaned_data["action"]
    if action == "publish" and not postmortem.is_locked:
        open_comments = open_comment_count(postmortem)
        if open_comments and not form.cleaned_data["confirm_open_comments"]:
            return confirm_publishing(request, postmortem, form, open_comments=open_comments)
    try:
        services.transition_postmortem(
            postmortem=postmortem,
            status=WORKFLOW_STATUS[action],
            by=request.user,
            override_reason=form.cleaned_data["override_reason"],
        )
    except NotApproved as refusal:
        return confirm_publishing(request, postmortem, form, refusal=str(refusal))
    except services.InvalidTransition:
        step = dict(form.fields["action"].choices)[action].lower()
        messages.error(request, f"Can't {step}: the postmortem is {postmortem.get_status_display().lower()}.")
        return redirect(postmortem)
    messages.success(request, WORKFLOW_DONE[action])
    if action == "publish":
        warn_about_blaming_language(request, postmortem.body, done="Published anyway")
    return redirect(postmortem)


def confirm_publishing(request, postmortem, form, *, open_comments=None, refusal=""):
    """Publishing asks first: open review comments to leave behind, or approvals missing (an Editor's reason)."""
    if open_comments is None:
        open_comments = open_comment_count(postmortem)
    context = {
        "postmortem": postmortem,
        "form": form,
        "open_comments": open_comments,
        "refusal": refusal,
        "review": review_state(postmortem),
    }
    return render(request, "postmortems/publish_confirm.html", context, status=409)


def export_markdown(request, pk):
    postmortem = get_object_or_404(
        Postmortem.objects.visible_to(request.user)
        .select_related("incident", "published_by")
        .prefetch_related(
            "authors",
            "reviewers",
            Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")),
        ),
        pk=pk,
    )
    response = HttpResponse(postmortem_as_markdown(postmortem), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="postmortem-{postmortem.incident.reference}.md"'
    return response
