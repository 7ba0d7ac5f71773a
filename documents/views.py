"""Views shared by every versioned document: conflict-safe editing, history, diff and restore.

Apps wire them with their own model, e.g.
    path("<slug:slug>/history/", RevisionHistoryView.as_view(model=Runbook), name="history")
and give their edit view `ConflictSafeEditMixin`.
"""

import copy

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, View
from django.views.generic.detail import SingleObjectMixin

from .diff import line_diff
from .markdown import missing_references, missing_references_warning
from .models import EditConflict


class ConflictSafeEditMixin:
    """For a Create/UpdateView whose form is a VersionedDocumentForm."""

    conflict_template_name = "documents/conflict.html"
    saved_message = "Saved."

    def save_document(self, form):
        """Save through the app's service (its compare-and-swap raises EditConflict); returns the document."""
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.save_document(form)
        except EditConflict as conflict:
            return self.render_conflict(form, conflict.current)
        messages.success(self.request, self.saved_message)
        warn_about_missing_references(self.request, self.object.body)
        return redirect(self.get_success_url())

    def render_conflict(self, form, current):
        """Refuse the save: show their text beside yours, and a form holding yours, now based on their version."""
        data = form.data.copy()
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
