"""Writes for reviewing postmortems: comments, resolving threads, verdicts, the publishing gate, the public summary.

Two people resolving one thread at once both succeed from their side: the second finds it resolved already and is
told by whom; nothing is overwritten.
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from documents.markdown import headings
from postmortems.blameless import Finding, find_blaming_language
from postmortems.models import Postmortem

from .models import PublicSummary, ReviewComment, Verdict, normalise_space
from .selectors import open_comment_count, review_state


class NotApproved(ValueError):
    """Publishing needs more approvals (or an Editor's override with a reason)."""


def section_names(postmortem: Postmortem) -> list[str]:
    return [str(heading["name"]) for heading in headings(postmortem.rendered_body, max_level=6)]


def _check_anchor(postmortem: Postmortem, section: str, quote: str) -> None:
    errors = {}
    if section and section not in section_names(postmortem):
        errors["section"] = (
            f"There is no section “{section}” in the postmortem any more. Pick one from the list."
        )
    if quote and normalise_space(quote) not in normalise_space(postmortem.body):
        errors["quote"] = "That text is not in the postmortem (any more). Copy the words you mean from it."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_comment(
    *,
    postmortem: Postmortem,
    by: User,
    body: str,
    section: str = "",
    quote: str = "",
    parent: ReviewComment | None = None,
) -> ReviewComment:
    """A new thread (on the whole text, a section, or a quoted passage) or, with `parent`, a reply to one."""
    if parent is not None:
        if parent.postmortem_id != postmortem.pk:
            raise ValidationError("That comment belongs to another postmortem.")
        parent = parent.parent or parent  # a reply to a reply joins the thread
        section = quote = ""
    else:
        section, quote = section.strip(), quote.strip()
        _check_anchor(postmortem, section, quote)
    comment = ReviewComment(
        postmortem=postmortem, parent=parent, author=by, body=body, section=section, quote=quote
    )
    comment.full_clean()
    comment.save()
    _notify_authors(postmortem=postmortem, by=by, comment=comment)
    return comment


@transaction.atomic
def edit_comment(*, comment: ReviewComment, by: User, body: str) -> ReviewComment:
    """Only its author may change a comment (nobody deletes anyone's)."""
    if comment.author_id != by.pk:
        raise PermissionDenied("Only its author can edit a comment.")
    comment.body = body
    comment.edited_at = timezone.now()
    comment.full_clean()
    comment.save(update_fields=["body", "rendered_body", "edited_at"])
    return comment


def set_thread_resolved(*, thread: ReviewComment, by: User, resolved: bool) -> bool:
    """Resolve or reopen a thread; False when it already was (someone else got there first)."""
    if thread.parent_id is not None:
        raise ValidationError("Only a thread can be resolved, not a reply.")
    threads = ReviewComment.objects.filter(pk=thread.pk, parent__isnull=True)
    if resolved:
        changed = threads.filter(resolved_at__isnull=True).update(resolved_at=timezone.now(), resolved_by=by)
    else:
        changed = threads.filter(resolved_at__isnull=False).update(resolved_at=None, resolved_by=None)
    thread.refresh_from_db(fields=["resolved_at", "resolved_by"])
    return bool(changed)


@transaction.atomic
def give_verdict(*, postmortem: Postmortem, by: User, kind: str, note: str = "") -> Verdict:
    """A named reviewer approves the current version or requests changes; the authors hear about it."""
    if kind not in (Verdict.Kind.APPROVED, Verdict.Kind.CHANGES_REQUESTED):
        raise ValidationError("Approve or request changes.")
    if not postmortem.reviewers.filter(pk=by.pk).exists():
        raise PermissionDenied("Only the postmortem's named reviewers give verdicts.")
    if postmortem.is_locked:
        raise ValidationError("This postmortem is published; reopen it to review it again.")
    verdict = Verdict(postmortem=postmortem, reviewer=by, kind=kind, version=postmortem.version, note=note)
    verdict.full_clean()
    verdict.save()
    _notify_authors(postmortem=postmortem, by=by, verdict=verdict)
    return verdict


def check_publishable(*, postmortem: Postmortem, by: User | None, override_reason: str = "") -> None:
    """Raise NotApproved unless the postmortem has enough approvals on its current version, or an Editor gives a
    reason to publish anyway (recorded as an override in the review history)."""
    state = review_state(postmortem)
    if state.has_enough_approvals:
        return
    reason = override_reason.strip()
    if not reason:
        raise NotApproved(
            f"Publishing needs {state.needed} approval{'s' if state.needed != 1 else ''} of this version "
            f"(it has {state.approvals}), or an Editor's reason to publish anyway."
        )
    if by is None or not by.has_perm("postmortems.change_postmortem"):
        raise PermissionDenied("Only an Editor can publish without enough approvals.")
    Verdict.objects.create(
        postmortem=postmortem,
        reviewer=by,
        kind=Verdict.Kind.OVERRIDE,
        version=postmortem.version,
        note=reason[:2000],
    )


def publishing_needs_confirmation(postmortem: Postmortem) -> int:
    """How many open comment threads publishing would leave behind (the page asks first when any)."""
    return open_comment_count(postmortem)


@transaction.atomic
def save_public_summary(
    *, postmortem: Postmortem, by: User, title: str, body: str, is_public: bool
) -> PublicSummary:
    """The customer-facing text; shown on the status page only while the postmortem is published and `is_public`."""
    if is_public and postmortem.status != Postmortem.Status.PUBLISHED:
        raise ValidationError(
            {"is_public": "Publish the postmortem first; then its public version can be shown."}
        )
    summary = PublicSummary.objects.filter(postmortem=postmortem).first() or PublicSummary(
        postmortem=postmortem
    )
    summary.title, summary.body, summary.is_public, summary.updated_by = title, body, is_public, by
    summary.full_clean()
    summary.save()
    return summary


def public_summary_findings(body: str) -> list[Finding]:
    """The blameless check on the public text (people's names included)."""
    from accounts.selectors import known_people_names

    return find_blaming_language(body, people_names=known_people_names())


def _notify_authors(
    *, postmortem: Postmortem, by: User, comment: ReviewComment | None = None, verdict: Verdict | None = None
) -> None:
    from notifications.messages import Message
    from notifications.models import Kind
    from notifications.services import Target, display_name, queue_personal

    if verdict is not None:
        what = f"{verdict.get_kind_display().lower()} on version {verdict.version}"
        link = postmortem.get_absolute_url() + "#review"
    else:
        assert comment is not None  # a comment or a verdict is what the authors hear about
        what = "commented" if comment.parent_id is None else "replied to a comment"
        link = comment.get_absolute_url()
    for author in postmortem.authors.all():
        if author == by:
            continue
        queue_personal(
            kind=Kind.POSTMORTEM_REVIEW_REQUESTED,
            recipient=author,
            target=Target.of(postmortem),
            message=Message(
                subject=f"Review of {postmortem.title}: {display_name(by)} {what}",
                link=link,
                lines=[f"{display_name(by)} {what} on the postmortem “{postmortem.title}”."],
            ),
        )
