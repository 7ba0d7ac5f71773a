"""Writes to postmortems and action items: the editor, the review page, the admin and the API call these.

Notifications (people named, review requested, items assigned) are queued in the same transaction and delivered
once it commits; see notifications.services.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Prefetch

from documents.merging import Choice
from incidents.models import Incident, TimelineEntry

from .drafting import fill_template, initial_body
from .models import ActionItem, Postmortem, PostmortemTemplate
from .selectors import default_team

STARTED_NOTE = "Started from the section template"


class InvalidTransition(ValueError):
    """The postmortem's status does not allow this step (e.g. publishing what is already published)."""


@transaction.atomic
def start_postmortem(
    *, incident: Incident, by: User, template: PostmortemTemplate | None = None
) -> tuple[Postmortem, bool]:
    """The incident's postmortem, started from `template` (else the built-in sections) with its timeline written in.

    Returns (postmortem, created); an existing one (even one started a moment ago by someone else) is returned
    as it is."""
    existing = Postmortem.objects.filter(incident=incident).first()
    if existing:
        return existing, False
    incident = Incident.objects.prefetch_related(
        Prefetch("timeline", queryset=TimelineEntry.objects.order_by("occurred_at"))
    ).get(pk=incident.pk)
    body = fill_template(template.body, incident) if template else initial_body(incident)
    note = f"Started from the “{template.name}” template" if template else STARTED_NOTE
    postmortem = Postmortem(incident=incident, title=incident.title, body=body, created_by=by)
    try:
        with transaction.atomic():
            postmortem.save_revision(by, note=note)
            postmortem.authors.add(by)
    except IntegrityError:  # someone started it a moment ago
        return Postmortem.objects.get(incident=incident), False
    return postmortem, True


@transaction.atomic
def save_postmortem(
    *,
    postmortem: Postmortem,
    by: User | None,
    body: str,
    expected_version: int | None,
    title: str | None = None,
    authors: Iterable[User] | None = None,
    reviewers: Iterable[User] | None = None,
    note: str = "",
    merge: bool = False,
    resolutions: dict[int, Choice] | None = None,
    theirs_version: int | None = None,
) -> Postmortem:
    """Save a new version (raises documents.models.EditConflict when someone saved since `expected_version`,
    unless `merge` merges the two edits: see VersionedDocument.save_revision); people newly named author or
    reviewer hear about it."""
    from notifications.services import notify_postmortem_people_named

    had_authors = set(postmortem.authors.values_list("pk", flat=True)) if postmortem.pk else set()
    had_reviewers = set(postmortem.reviewers.values_list("pk", flat=True)) if postmortem.pk else set()
    postmortem.body = body
    if title is not None:
        postmortem.title = title
    postmortem.save_revision(
        by,
        expected_version=expected_version,
        note=note,
        merge=merge,
        resolutions=resolutions,
        theirs_version=theirs_version,
    )
    new_authors: list[User] = []
    new_reviewers: list[User] = []
    if authors is not None:
        authors = list(authors)
        postmortem.authors.set(authors)
        new_authors = [person for person in authors if person.pk not in had_authors]
    if reviewers is not None:
        reviewers = list(reviewers)
        postmortem.reviewers.set(reviewers)
        new_reviewers = [person for person in reviewers if person.pk not in had_reviewers]
    if new_authors or new_reviewers:
        notify_postmortem_people_named(
            postmortem=postmortem, authors=new_authors, reviewers=new_reviewers, by=by
        )
    return postmortem


@transaction.atomic
def transition_postmortem(
    *,
    postmortem: Postmortem,
    status: str,
    by: User | None,
    now: datetime | None = None,
    override_reason: str = "",
) -> Postmortem:
    """Draft → in review (reviewers are asked), not published → published, published → draft (reopened).

    Publishing needs HINDSIGHT_POSTMORTEM_APPROVALS approvals of the current version, or an Editor's
    `override_reason` (kept in the review history): raises reviews.services.NotApproved otherwise.
    Raises InvalidTransition for any other step."""
    from notifications.services import notify_review_requested
    from reviews.services import check_publishable

    if status == Postmortem.Status.IN_REVIEW and postmortem.status == Postmortem.Status.DRAFT:
        postmortem.submit_for_review()
        notify_review_requested(postmortem=postmortem, by=by)
    elif status == Postmortem.Status.PUBLISHED and not postmortem.is_locked:
        check_publishable(postmortem=postmortem, by=by, override_reason=override_reason)
        postmortem.publish(by, now=now)
    elif status == Postmortem.Status.DRAFT and postmortem.is_locked:
        postmortem.reopen()
    else:
        raise InvalidTransition(
            f"A {postmortem.get_status_display().lower()} postmortem can't become {status}."
        )
    return postmortem


def _stored_owner(item: ActionItem) -> User | None:
    if item.pk is None:
        return None
    owner_id = ActionItem.objects.filter(pk=item.pk).values_list("owner_id", flat=True).first()
    if owner_id is None:
        return None
    if item.owner_id == owner_id:
        return item.owner
    return User.objects.filter(pk=owner_id).first()


@transaction.atomic
def save_action_item(*, item: ActionItem, by: User | None) -> ActionItem:
    """Create or save an action item as it is now; the team defaults to the incident's first service's team,
    and a new owner (and the one it was taken from) hear about it."""
    from notifications.services import notify_action_item_assigned

    previous_owner = _stored_owner(item)
    if not item.team:
        item.team = default_team(item.postmortem)
    if item.pk is None and item.created_by_id is None:
        item.created_by = by
    item.full_clean()
    item.save()
    notify_action_item_assigned(item=item, previous_owner=previous_owner, by=by)
    return item


def create_action_item(*, postmortem: Postmortem, by: User | None, title: str, **fields: Any) -> ActionItem:
    """A new action item on `postmortem`; `fields` are ActionItem's other fields (owner, due_date, kind …)."""
    return save_action_item(item=ActionItem(postmortem=postmortem, title=title, **fields), by=by)


def assign_action_item(*, item: ActionItem, owner: User | None, by: User | None) -> ActionItem:
    item.owner = owner
    return save_action_item(item=item, by=by)


def change_action_item_status(
    *, item: ActionItem, status: str, by: User | None, reason: str = ""
) -> ActionItem:
    """Open, in progress, done (records when) or won't do (needs `reason`: raises ValidationError without)."""
    item.status = status
    if status == ActionItem.Status.WONT_DO:
        item.wont_do_reason = reason
    return save_action_item(item=item, by=by)


@transaction.atomic
def delete_action_item(*, item: ActionItem, by: User | None) -> None:
    item.delete()
