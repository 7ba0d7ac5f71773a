"""The review meeting's pages: start, the agenda, one item at a time, notes, the end and the summary, history."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from incidents.models import visible_q
from notifications.models import Team
from notifications.services import team_named
from postmortems.action_views import owner_options
from postmortems.models import ActionItem

from . import selectors, services
from .forms import DecisionForm, NotesForm, StartMeetingForm
from .models import AgendaItem, Decision, DueDateChange, Meeting

AGENDA_PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 25


def meeting_or_404(pk: int) -> Meeting:
    """The meeting, ended first if it was left open too long (what it recorded is kept)."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("team", "service", "started_by", "previous"), pk=pk
    )
    if meeting.is_stale():
        services.close_if_stale(meeting=meeting)
        meeting = Meeting.objects.select_related("team", "service", "started_by", "previous").get(pk=pk)
    return meeting


# --- Starting ------------------------------------------------------------------------------------------------
@permission_required("meetings.add_meeting", raise_exception=True)
def start(request):
    """The review page's filters carried over, and who is present; POST starts the meeting."""
    if request.method == "POST":
        form = StartMeetingForm(request.POST)
        if form.is_valid():
            team_name = form.cleaned_data["team"]
            meeting = services.start_meeting(
                team=team_named(name=team_name) if team_name else None,
                service=form.cleaned_data["service"],
                attendees=form.cleaned_data["attendees"],
                by=request.user,
            )
            messages.success(request, f"Meeting started: {meeting.agenda_size} items on the agenda.")
            if meeting.agenda_size:
                return redirect("meetings:step", meeting.pk, 1)
            return redirect(meeting)
        status = 400
    else:
        form = StartMeetingForm(
            initial={
                "team": request.GET.get("team", ""),
                "service": request.GET.get("service", "") if request.GET.get("service", "").isdigit() else "",
                "attendees": [request.user.pk],
            }
        )
        status = 200
    running = Meeting.objects.open().select_related("team", "service").order_by("-started_at")[:10]
    return render(request, "meetings/start.html", {"form": form, "running": running}, status=status)


# --- The agenda and the summary --------------------------------------------------------------------------------
@require_safe
def detail(request, pk):
    meeting = meeting_or_404(pk)
    context = {
        "meeting": meeting,
        "attendees": list(meeting.attendees.order_by("first_name", "last_name", "username")),
        "since_last": selectors.since_last_meeting(meeting, viewer=request.user),
        "can_run": meeting.is_open and request.user.has_perm("meetings.change_meeting"),
    }
    if meeting.is_open:
        context.update(agenda_page(meeting, request.GET.get("after", ""), viewer=request.user))
        context["notes_form"] = notes_form(meeting)
        return render(request, "meetings/agenda.html", context)
    context.update(summary(meeting, viewer=request.user))
    return render(request, "meetings/summary.html", context)


def notes_form(meeting: Meeting) -> NotesForm:
    return NotesForm(initial={"notes": meeting.notes, "seen_version": services.notes_version(meeting.notes)})


def agenda_page(meeting: Meeting, after: str, *, viewer) -> dict:
    """A page of the agenda after a position (keyset: the same cost on page 1 and page 40); items `viewer` may
    not see keep their place but not their title."""
    start_after = int(after) if after.isdigit() and len(after) < 10 else 0
    rows = list(
        AgendaItem.objects.filter(meeting=meeting, position__gt=start_after)
        .select_related("action_item__owner")
        .order_by("position")[: AGENDA_PAGE_SIZE + 1]
    )
    more = len(rows) > AGENDA_PAGE_SIZE
    rows = rows[:AGENDA_PAGE_SIZE]
    hidden = selectors.hidden_agenda_items(viewer, rows)
    decided = {}
    for decision in Decision.objects.filter(
        meeting=meeting, agenda_item__in=[row.pk for row in rows]
    ).order_by("pk"):
        decided[decision.agenda_item_id] = decision
    return {
        "agenda": [(row, decided.get(row.pk), row.pk in hidden) for row in rows],
        "next_after": rows[-1].position if more else None,
        "after": start_after,
    }


def summary(meeting: Meeting, *, viewer) -> dict:
    """Decisions and slipped dates about what `viewer` may see; the totals stay the meeting's."""
    decisions = list(
        Decision.objects.filter(meeting=meeting).filter(selectors.visible_decisions_q(viewer)).for_summary()
    )
    assigned: dict = {}
    for decision in decisions:
        if decision.kind == Decision.Kind.ASSIGNED:
            assigned.setdefault(decision.owner, []).append(decision)
    return {
        "decisions": decisions,
        "assigned": sorted(assigned.items(), key=lambda pair: str(pair[0] or "")),
        "slipped": list(
            DueDateChange.objects.filter(meeting=meeting)
            .filter(visible_q(viewer, "action_item__postmortem__incident__"))
            .select_related("action_item", "by")
            .order_by("at", "pk")
        ),
        "trend": selectors.open_item_trend(meeting),
        "reviewed": len({decision.agenda_item_id for decision in decisions}),
        "seconds": selectors.total_seconds(meeting),
    }


# --- One item at a time ------------------------------------------------------------------------------------------
def agenda_item_or_404(meeting: Meeting, position: int) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related(
            "action_item__owner",
            "action_item__postmortem__incident",
            "action_item__runbook",
            "postmortem__incident",
            "runbook",
        ),
        meeting=meeting,
        position=position,
    )


def decision_kinds(agenda_item: AgendaItem) -> list[str]:
    if agenda_item.action_item_id:
        return list(Decision.Kind.values)
    return [Decision.Kind.NO_CHANGE, Decision.Kind.ESCALATED]


def visible_agenda_item_or_404(request, meeting: Meeting, position: int) -> AgendaItem:
    """For deciding on an item: one the person may not see answers 404."""
    agenda_item = agenda_item_or_404(meeting, position)
    if selectors.hidden_agenda_items(request.user, [agenda_item]):
        raise Http404("No such agenda item.")
    return agenda_item


@require_safe
def step(request, pk, position):
    meeting = meeting_or_404(pk)
    agenda_item = agenda_item_or_404(meeting, position)
    if selectors.hidden_agenda_items(request.user, [agenda_item]):
        return render_hidden_step(request, meeting, agenda_item)
    return render_step(request, meeting, agenda_item)


def render_hidden_step(request, meeting, agenda_item):
    """The agenda keeps its order for everyone; the item itself (title, incident, history) stays with those who
    may see it."""
    return render(
        request,
        "meetings/step_hidden.html",
        {
            "meeting": meeting,
            "agenda_item": agenda_item,
            "previous_position": agenda_item.position - 1 if agenda_item.position > 1 else None,
            "next_position": agenda_item.position + 1 if agenda_item.position < meeting.agenda_size else None,
        },
    )


def render_step(request, meeting, agenda_item, form=None, conflict=None, status=200):
    context = selectors.item_context(agenda_item, viewer=request.user)
    if form is None:
        form = DecisionForm(kinds=decision_kinds(agenda_item), initial=form_versions(agenda_item, context))
    return render(
        request,
        "meetings/step.html",
        {
            "meeting": meeting,
            "agenda_item": agenda_item,
            "item": agenda_item.action_item,
            "context": context,
            "form": form,
            "conflict": conflict,
            "can_decide": meeting.is_open
            and not agenda_item.is_gone
            and request.user.has_perm("meetings.add_decision"),
            "can_run": meeting.is_open and request.user.has_perm("meetings.change_meeting"),
            "previous_position": agenda_item.position - 1 if agenda_item.position > 1 else None,
            "next_position": agenda_item.position + 1 if agenda_item.position < meeting.agenda_size else None,
            "owner_options": owner_options() if meeting.is_open else [],
            "notes_form": notes_form(meeting),
            "today": timezone.localdate(),
        },
        status=status,
    )


def form_versions(agenda_item: AgendaItem, context) -> dict:
    """What the decision form was made against: the newest decision and the item's last change."""
    latest = context.latest_decision
    return {
        "seen_decision": latest.pk if latest else "",
        "seen_version": services.item_version(agenda_item.action_item),
    }


@require_safe
def jump(request, pk):
    meeting = meeting_or_404(pk)
    position = request.GET.get("position", "")
    if not position.isdigit() or not 1 <= int(position) <= meeting.agenda_size:
        messages.error(request, f"Choose an item between 1 and {meeting.agenda_size}.")
        return redirect(meeting)
    return redirect("meetings:step", meeting.pk, int(position))


@require_POST
@permission_required("meetings.add_decision", raise_exception=True)
def decide(request, pk, position):
    meeting = meeting_or_404(pk)
    agenda_item = visible_agenda_item_or_404(request, meeting, position)
    form = DecisionForm(request.POST, kinds=decision_kinds(agenda_item))
    if not form.is_valid():
        return render_step(request, meeting, agenda_item, form=form, status=400)
    data = form.cleaned_data
    try:
        decision = services.record_decision(
            agenda_item=agenda_item,
            kind=data["kind"],
            by=request.user,
            owner=data["owner"],
            due_date=data["due_date"],
            reason=data["reason"],
            seen_decision_id=data["seen_decision"],
            seen_version=data["seen_version"],
        )
    except services.DecisionConflict as conflict:
        agenda_item = agenda_item_or_404(meeting, position)
        fresh = selectors.item_context(agenda_item, viewer=request.user)
        form = DecisionForm(
            kinds=decision_kinds(agenda_item),
            initial={**request.POST.dict(), **form_versions(agenda_item, fresh)},
        )
        return render_step(
            request, meeting, agenda_item, form=form, conflict=conflict.latest or True, status=409
        )
    except ValidationError as error:
        for field, problems in error_items(error):
            form.add_error(field if field in form.fields else None, problems)
        return render_step(request, meeting, agenda_item, form=form, status=400)
    seconds = request.POST.get("seconds", "")
    if seconds.isdigit() and len(seconds) < 7:
        services.add_time(agenda_item=agenda_item, seconds=int(seconds))
    messages.success(request, f"Recorded: {services.summary_line(decision)}")
    if position < meeting.agenda_size:
        return redirect("meetings:step", meeting.pk, position + 1)
    return redirect(meeting)


def error_items(error: ValidationError):
    if hasattr(error, "error_dict"):
        return [
            (None if field == "__all__" else field, problems)
            for field, problems in error.message_dict.items()
        ]
    return [(None, error.messages)]


@require_POST
@permission_required("meetings.change_meeting", raise_exception=True)
def record_time(request, pk, position):
    """The step page's timer reports the seconds spent on the item when the page is left."""
    meeting = meeting_or_404(pk)
    agenda_item = visible_agenda_item_or_404(request, meeting, position)
    seconds = request.POST.get("seconds", "")
    if seconds.isdigit() and len(seconds) < 7:
        services.add_time(agenda_item=agenda_item, seconds=int(seconds))
    return HttpResponse(status=204)


@require_POST
@permission_required("meetings.change_meeting", raise_exception=True)
def notes(request, pk):
    meeting = meeting_or_404(pk)
    form = NotesForm(request.POST)
    if form.is_valid():
        try:
            merged = services.save_notes(
                meeting=meeting,
                notes=form.cleaned_data["notes"],
                by=request.user,
                seen_version=form.cleaned_data["seen_version"] or None,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if merged:
                messages.warning(
                    request, "Someone else saved notes meanwhile: both texts are kept, theirs first."
                )
            else:
                messages.success(request, "Notes saved.")
    else:
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
    return redirect(_step_url(request, meeting) or meeting)


def _step_url(request, meeting):
    position = request.POST.get("position", "")
    if position.isdigit() and 1 <= int(position) <= meeting.agenda_size:
        return f"{meeting.get_absolute_url()}items/{int(position)}/"
    return None


@require_POST
@permission_required("meetings.change_meeting", raise_exception=True)
def end(request, pk):
    meeting = meeting_or_404(pk)
    if meeting.is_open:
        services.end_meeting(meeting=meeting, by=request.user)
        messages.success(request, "Meeting ended. The summary is below; attendees get it by email.")
    return redirect(meeting)


@require_safe
def item_history(request, item_pk):
    """Everything the review meetings decided about one action item, and every move of its due date."""
    item = get_object_or_404(
        ActionItem.objects.visible_to(request.user).select_related("owner", "postmortem__incident"),
        pk=item_pk,
    )
    return render(
        request,
        "meetings/item_history.html",
        {
            "item": item,
            "decisions": list(
                Decision.objects.filter(action_item=item)
                .select_related("by", "owner", "meeting")
                .order_by("-pk")
            ),
            "changes": list(
                DueDateChange.objects.filter(action_item=item)
                .select_related("by", "meeting")
                .order_by("-at", "-pk")
            ),
        },
    )


# --- History -----------------------------------------------------------------------------------------------
def with_counts(meetings):
    return meetings.select_related("team", "service", "started_by").annotate(
        decision_count=Count("decisions", distinct=True),
        attendee_count=Count("attendees", distinct=True),
        reviewed_count=Count("decisions__agenda_item", distinct=True),
    )


@require_safe
def history(request):
    meetings = with_counts(Meeting.objects.order_by("-started_at", "-pk"))
    page = Paginator(meetings, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    teams = Team.objects.filter(Q(meetings__isnull=False)).distinct().order_by("name")
    return render(
        request,
        "meetings/history.html",
        {"page_obj": page, "meetings": page.object_list, "teams": teams, "team": None},
    )


@require_safe
def team_history(request, team):
    team = Team.objects.filter(name=team).first()
    if team is None:
        raise Http404("No team by that name.")
    meetings = with_counts(Meeting.objects.filter(team=team).order_by("-started_at", "-pk"))
    page = Paginator(meetings, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/history.html",
        {"page_obj": page, "meetings": page.object_list, "teams": [], "team": team},
    )
