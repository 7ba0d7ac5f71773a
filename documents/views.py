"""Views shared by every versioned document: conflict-safe editing, history, diff and restore.

Apps wire them with their own model, e.g.
    path("<slug:slug>/history/", RevisionHistoryView.as_view(model=Runbook), name="history")
and give their edit view `ConflictSafeEditMixin`.
"""

import copy

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import date as format_date
from django.utils import timezone
from django.utils.html import format_html
from django.views.generic import DetailView, View
from django.views.generic.detail import SingleObjectMixin

from core.people import display_name

from . import presence
from .diff import line_diff
from .markdown import missing_references, missing_references_warning
from .merging import CHOICES, parse_resolutions
from .models import EditConflict


def merge_options(request, form):
    """Keyword arguments for save_revision (through a service) that merge a stale edit instead of refusing it."""
    return {
        "merge": True,
        "resolutions": parse_resolutions(request.POST),
        "theirs_version": form.cleaned_data.get("theirs_version"),
    }


def announce_merge(request, document):
    """After a save merged with someone's changes: say with whose, when, and link to what they changed."""
    merged = getattr(document, "merged_with", None)
    if merged is None:
        return
    author = merged.author
    name = display_name(author, empty="someone")
    diff_url = f"{document.get_absolute_url()}history/{merged.base_version}/?against={merged.version}"
    messages.info(
        request,
        format_html(
            'Merged with {}’s changes saved at {} (<a href="{}">see what they changed</a>).',
            name,
            format_date(timezone.localtime(merged.saved_at), "H:i"),
            diff_url,
        ),
    )


class ConflictSafeEditMixin:
    """For a Create/UpdateView whose form is a VersionedDocumentForm.

    The view supplies `save_document(form)`: it saves through its app's service (whose compare-and-swap raises
    EditConflict) and returns the document (see runbooks.views.RunbookSaveMixin). A view that saves more than the
    document (the postmortem editor and its action items) posts on its own and uses `render_conflict` alone."""

    conflict_template_name = "documents/conflict.html"
    saved_message = "Saved."

    def form_valid(self, form):
        try:
            self.object = self.save_document(form)
        except EditConflict as conflict:
            return self.render_conflict(form, conflict)
        messages.success(self.request, self.saved_message)
        warn_about_missing_references(self.request, self.object.body)
        announce_merge(self.request, self.object)
        return redirect(self.get_success_url())

    def render_conflict(self, form, conflict):
        """Refuse the save: show the hunks both changed (or, with no base to merge from, their whole text beside
        yours), and a form holding your whole text."""
        current = conflict.current
        data = form.data.copy()
        if conflict.hunks:
            data["theirs_version"] = current.version  # loaded_version stays the base: saving merges again
        else:
            data["loaded_version"] = current.version
        # Validate against a copy: a ModelForm writes its data onto its instance, and `current` must stay theirs.
        merge_form = type(form)(data=data, instance=copy.copy(current), **self._extra_form_kwargs())
        merge_form.is_valid()
        context = self.get_context_data(
            form=merge_form,
            conflict=True,
            theirs=current,
            yours_body=form.cleaned_data.get("body", ""),
            conflict_diff=line_diff(current.body, form.cleaned_data.get("body", "")),
            hunks=conflict.hunks,
            hunk_choices=CHOICES,
        )
        self.object = current
        return self.response_class(
            request=self.request,
            template=[self.conflict_template_name],
            context=context,
            status=409,
            using=self.template_engine,
        )

    def _extra_form_kwargs(self):
        kwargs = self.get_form_kwargs()
        for key in ("data", "files", "instance", "initial", "prefix"):
            kwargs.pop(key, None)
        return kwargs


def warn_about_missing_references(request, *texts):
    """After a save: name the references that link to nothing (saved anyway, as plain text)."""
    missing = [written for text in texts for written in missing_references(text)]
    if missing:
        messages.warning(request, missing_references_warning(list(dict.fromkeys(missing))))


class DocumentMixin(SingleObjectMixin):
    """Look the document up by pk or slug, like DetailView."""

    context_object_name = "document"

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_revision(self, document, number):
        revision = document.revisions.select_related("author").filter(number=number).first()
        if revision is None:
            raise Http404("No such revision")
        return revision


class RevisionHistoryView(DocumentMixin, DetailView):
    template_name = "documents/history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["revisions"] = self.object.revisions.select_related("author")[:200]
        opts = self.model._meta
        context["can_restore"] = self.request.user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        ) and not getattr(self.object, "is_locked", False)
        return context


class RevisionDiffView(DocumentMixin, DetailView):
    """The difference between revision N and another revision (?against=M) or the current text."""

    template_name = "documents/diff.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.object
        revision = self.get_revision(document, self.kwargs["number"])
        against = self.request.GET.get("against", "")
        if against.isdigit():
            other = self.get_revision(document, int(against))
            other_label, other_body = f"revision {other.number}", other.body
        else:
            other_label, other_body = f"current (version {document.version})", document.body
        context.update(
            revision=revision,
            other_label=other_label,
            rows=line_diff(revision.body, other_body),
            revision_numbers=document.revisions.values_list("number", flat=True),
        )
        return context


class RestoreRevisionView(PermissionRequiredMixin, DocumentMixin, View):
    http_method_names = ["post"]

    def get_permission_required(self):
        opts = self.model._meta
        return [f"{opts.app_label}.change_{opts.model_name}"]

    def post(self, request, *args, **kwargs):
        document = self.get_object()
        revision = get_object_or_404(document.revisions, number=kwargs["number"])
        if getattr(document, "is_locked", False):
            messages.error(request, "This document is published and read-only; reopen it first.")
            return redirect(document.get_absolute_url())
        document.restore_revision(revision, request.user)
        messages.success(request, f"Restored revision {revision.number} as version {document.version}.")
        return redirect(document.get_absolute_url())


def presence_text(editors):
    """“Sam is editing — since 10:02”, one sentence per person; empty when nobody else is."""
    return "; ".join(
        f"{editor.name} is editing — since {format_date(timezone.localtime(editor.since), 'H:i')}"
        for editor in editors
    )


class PresenceView(DocumentMixin, View):
    """Who else has the document open in the editor. GET asks; POST is the editor's heartbeat (Editors only)."""

    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        return self.answer(self.get_object())

    def post(self, request, *args, **kwargs):
        opts = self.model._meta
        if not request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            raise PermissionDenied
        document = self.get_object()
        presence.record_heartbeat(document=document, user=request.user)
        return self.answer(document)

    def answer(self, document):
        others = presence.editors(document=document, exclude=self.request.user)
        return JsonResponse(
            {
                "text": presence_text(others),
                "editors": [{"name": editor.name, "since": editor.since.isoformat()} for editor in others],
            }
        )


def presence_context(request, document, *, editing, document_url=None):
    """What a page's presence line needs (the include documents/_presence.html)."""
    return {
        "presence_text": presence_text(presence.editors(document=document, exclude=request.user)),
        "presence_url": f"{document_url or document.get_absolute_url()}presence/",
        "presence_editing": editing,
        "presence_seconds": presence.HEARTBEAT_SECONDS,
    }
