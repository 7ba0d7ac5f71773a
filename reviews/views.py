"""Review comments, verdicts and the public summary of a postmortem; its read view shows them (review_context)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.templatetags.people import person
from incidents.models import visible_q
from postmortems.models import Postmortem

from . import services
from .forms import CommentForm, EditCommentForm, PublicSummaryForm, ReplyForm, VerdictForm
from .models import PublicSummary, ReviewComment
from .selectors import review_state, threads_for


def review_context(request, postmortem, comment_form=None):
    """What the postmortem page's review section needs: threads, the comment form, each reviewer's verdict."""
    threads = threads_for(postmortem)
    return {
        "threads": threads,
        "open_thread_count": sum(not thread.is_resolved for thread in threads),
        "comment_form": comment_form or CommentForm(sections=services.section_names(postmortem)),
        "reply_form": ReplyForm(),
        "review": review_state(postmortem),
        "verdict_form": VerdictForm(),
        "is_reviewer": any(reviewer.pk == request.user.pk for reviewer in postmortem.reviewers.all()),
    }


def _visible_comments(request):
    """Comments on postmortems of incidents the person may see: the others answer 404, as if they did not exist."""
    return ReviewComment.objects.filter(visible_q(request.user, "postmortem__incident__"))


def _form_errors_from(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


@require_POST
@permission_required("reviews.add_reviewcomment", raise_exception=True)
def add_comment(request, pk):
    """Start a thread or (with `parent`) reply to one. A refused comment comes back with its text, never lost."""
    postmortem = get_object_or_404(Postmortem.objects.visible_to(request.user), pk=pk)
    form = CommentForm(request.POST, sections=services.section_names(postmortem))
    if "section" in request.POST and request.POST["section"] not in dict(form.fields["section"].choices):
        form.fields["section"].choices.append((request.POST["section"], request.POST["section"]))
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = ReviewComment.objects.filter(
                pk=form.cleaned_data["parent"], postmortem=postmortem
            ).first()
            if parent is None:
                form.add_error(None, "That thread is not on this postmortem.")
        if not form.errors:
            try:
                comment = services.add_comment(
                    postmortem=postmortem,
                    by=request.user,
                    body=form.cleaned_data["body"],
                    section=form.cleaned_data["section"],
                    quote=form.cleaned_data["quote"],
                    parent=parent,
                )
            except ValidationError as error:
                _form_errors_from(form, error)
            else:
                messages.success(request, "Reply added." if parent else "Comment added.")
                return redirect(comment.get_absolute_url())
    context = {"postmortem": postmortem, "form": form, "heading": "Your comment was not added"}
    return render(request, "reviews/comment_form.html", context, status=400)


@permission_required("reviews.add_reviewcomment", raise_exception=True)
def edit_comment(request, comment_pk):
    comment = get_object_or_404(_visible_comments(request).select_related("postmortem"), pk=comment_pk)
    if comment.author_id != request.user.pk:
        raise PermissionDenied("Only its author can edit a comment.")
    form = EditCommentForm(request.POST or None, instance=comment)
    if request.method == "POST" and form.is_valid():
        services.edit_comment(comment=comment, by=request.user, body=form.cleaned_data["body"])
        messages.success(request, "Comment saved.")
        return redirect(comment.get_absolute_url())
    context = {"postmortem": comment.postmortem, "form": form, "heading": "Edit your comment"}
    return render(
        request, "reviews/comment_form.html", context, status=400 if request.method == "POST" else 200
    )


@require_POST
@permission_required("reviews.add_reviewcomment", raise_exception=True)
def resolve_thread(request, comment_pk):
    thread = get_object_or_404(_visible_comments(request), pk=comment_pk, parent__isnull=True)
    resolve = request.POST.get("action") != "reopen"
    if services.set_thread_resolved(thread=thread, by=request.user, resolved=resolve):
        messages.success(request, "Thread resolved." if resolve else "Thread reopened.")
    elif resolve:
        messages.info(request, f"{person(thread.resolved_by, 'Someone')} had already resolved this thread.")
    else:
        messages.info(request, "Someone had already reopened this thread.")
    return redirect(thread.get_absolute_url())


@require_POST
def give_verdict(request, pk):
    postmortem = get_object_or_404(Postmortem.objects.visible_to(request.user), pk=pk)
    if not postmortem.reviewers.filter(pk=request.user.pk).exists():
        raise PermissionDenied("Only the postmortem's named reviewers give verdicts.")
    form = VerdictForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose Approve or Request changes.")
        return redirect(f"{postmortem.get_absolute_url()}#review")
    try:
        verdict = services.give_verdict(
            postmortem=postmortem,
            by=request.user,
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{verdict.get_kind_display()} version {verdict.version}.")
    return redirect(f"{postmortem.get_absolute_url()}#review")


@permission_required("postmortems.change_postmortem", raise_exception=True)
def edit_public_summary(request, pk):
    """An Editor writes the customer-facing version; the blameless check runs on it like on the postmortem."""
    postmortem = get_object_or_404(
        Postmortem.objects.visible_to(request.user).select_related("incident"), pk=pk
    )
    summary = PublicSummary.objects.filter(postmortem=postmortem).first()
    initial = (
        {"title": summary.title, "body": summary.body, "is_public": summary.is_public} if summary else {}
    )
    form = PublicSummaryForm(request.POST or None, initial=initial)
    findings = None
    if request.method == "POST" and form.is_valid():
        findings = services.public_summary_findings(
            f"{form.cleaned_data['title']}\n\n{form.cleaned_data['body']}"
        )
        try:
            services.save_public_summary(postmortem=postmortem, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, "Public summary saved.")
            if findings:
                messages.warning(
                    request, "Blameless check: some phrases may read as blaming people; see below."
                )
            return redirect("reviews:public_summary", postmortem.pk)
    elif summary:
        findings = services.public_summary_findings(f"{summary.title}\n\n{summary.body}")
    context = {"postmortem": postmortem, "form": form, "summary": summary, "findings": findings}
    return render(request, "reviews/public_summary_form.html", context, status=400 if form.errors else 200)
