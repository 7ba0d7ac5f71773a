from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from core.pagination import keyset_page
from postmortems.models import Postmortem

from . import calendars, selectors, services
from .forms import ChatChannelForm, OutboxFilterForm, PreferencesForm, ReviewMeetingForm, TeamForm
from .messages import absolute_url, read_unsubscribe_token
from .models import (
    PERSONAL_KINDS,
    CalendarFeed,
    ChatChannel,
    Kind,
    Notification,
    ReviewMeeting,
    Subscription,
    Team,
)

OUTBOX_PAGE_SIZE = 50
CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


@require_safe
def outbox(request):
    form = OutboxFilterForm(request.GET or None)
    notifications = Notification.objects.visible_to(request.user).for_outbox()
    if form.is_valid():
        notifications = form.filter(notifications)
    page = keyset_page(
        notifications,
        anchors=Notification.objects.visible_to(request.user),
        per_page=OUTBOX_PAGE_SIZE,
        cursor=request.GET.get("page"),
    )
    return render(
        request,
        "notifications/outbox.html",
        {
            "form": form,
            "page_obj": page,
            "notifications": page.object_list,
            "sees_everyone": request.user.has_perm("notifications.view_all_notifications"),
        },
    )


@require_safe
def notification_detail(request, pk):
    notification = get_object_or_404(
        Notification.objects.visible_to(request.user).select_related("recipient", "chat_channel", "digest"),
        pk=pk,
    )
    included = notification.included.order_by("pk")[:200]
    return render(request, "notifications/detail.html", {"notification": notification, "included": included})


def preferences(request):
    current = dict(Subscription.objects.filter(user=request.user).values_list("kind", "delivery"))
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        for kind in PERSONAL_KINDS:
            if form.cleaned_data[kind] != current.get(kind, "immediately"):
                services.set_delivery(user=request.user, kind=kind, delivery=form.cleaned_data[kind])
        messages.success(request, "Notification settings saved.")
        return redirect("notifications:preferences")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "feed_url": absolute_url(reverse("notifications:person_calendar", args=[feed.token]))
            if feed
            else "",
            "has_email": bool(request.user.email),
            "digest_hour": settings.HINDSIGHT_DAILY_DIGEST_HOUR,
        },
    )


@require_POST
def revoke_calendar(request):
    """Creates the person's calendar address, or replaces it (the old one stops working)."""
    services.revoke_calendar_feed(user=request.user)
    messages.success(request, "Your calendar has a new address. The old one no longer works.")
    return redirect("notifications:preferences")


@csrf_exempt  # one-click unsubscribe (RFC 8058): mail providers POST here without a session or CSRF token
@login_not_required
def unsubscribe(request, token):
    try:
        user_id, kind = read_unsubscribe_token(token)
        label = Kind(kind).label
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        raise Http404("This unsubscribe link is not valid.") from None
    user = get_object_or_404(get_user_model(), pk=user_id)
    if request.method == "POST":
        services.unsubscribe(user=user, kind=kind)
        return render(request, "notifications/unsubscribed.html", {"label": label, "done": True})
    if request.method not in {"GET", "HEAD"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    return render(request, "notifications/unsubscribed.html", {"label": label, "done": False})


@require_safe
@login_not_required
def person_calendar(request, feed_token):
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=feed_token)
    if not feed.user.is_active:
        raise Http404
    body = calendars.feed(
        f"Hindsight: {services.display_name(feed.user)}",
        selectors.calendar_action_items(owner=feed.user, today=timezone.localdate()),
        selectors.calendar_meetings(attendee=feed.user),
    )
    return HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)


@require_safe
@login_not_required
def team_calendar(request, team_token):
    team = get_object_or_404(Team, calendar_token=team_token)
    body = calendars.feed(
        f"Hindsight: {team.name}",
        selectors.calendar_action_items(team=team.name, today=timezone.localdate()),
        selectors.calendar_meetings(team=team.name),
    )
    return HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)


@require_safe
def team_list(request):
    names = selectors.team_names()
    settings_by_name = (
        Team.objects.filter(name__in=names).prefetch_related("chat_channels").in_bulk(field_name="name")
    )
    teams = [(name, settings_by_name.get(name)) for name in names if "/" not in name]
    return render(request, "notifications/team_list.html", {"teams": teams})


def team_settings(request, team):
    if team not in selectors.team_names():
        raise Http404("No such team.")
    current = Team.objects.filter(name=team).first() or Team(name=team)
    form = TeamForm(request.POST or None, instance=current)
    if request.method == "POST":
        if not request.user.has_perm("notifications.change_team"):
            raise PermissionDenied
        if form.is_valid():
            form.save()
            messages.success(request, f"Settings for {team} saved.")
            return redirect("notifications:team", team=team)
    channels = list(current.chat_channels.all()) if current.pk else []
    return render(
        request,
        "notifications/team.html",
        {
            "team": current,
            "form": form,
            "channels": channels,
            "channel_form": ChatChannelForm(),
            "calendar_url": absolute_url(
                reverse("notifications:team_calendar", args=[current.calendar_token])
            )
            if current.pk
            else "",
        },
    )


@require_POST
@permission_required("notifications.add_chatchannel", raise_exception=True)
def add_channel(request, team):
    if team not in selectors.team_names():
        raise Http404("No such team.")
    form = ChatChannelForm(request.POST)
    if form.is_valid():
        services.add_chat_channel(
            team=services.team_named(name=team), name=form.cleaned_data["name"], url=form.cleaned_data["url"]
        )
        messages.success(request, f"Chat channel {form.cleaned_data['name']} added.")
        return redirect("notifications:team", team=team)
    current = Team.objects.filter(name=team).first() or Team(name=team)
    return render(
        request,
        "notifications/team.html",
        {
            "team": current,
            "form": TeamForm(instance=current),
            "channel_form": form,
            "channels": list(current.chat_channels.all()) if current.pk else [],
            "calendar_url": "",
        },
        status=400,
    )


@require_POST
@permission_required("notifications.delete_chatchannel", raise_exception=True)
def remove_channel(request, team, channel_pk):
    channel = get_object_or_404(ChatChannel, pk=channel_pk, team__name=team)
    services.remove_chat_channel(channel=channel)
    messages.success(request, f"Chat channel {channel.name} removed.")
    return redirect("notifications:team", team=team)


@require_POST
@permission_required("notifications.change_team", raise_exception=True)
def revoke_team_calendar(request, team):
    if team not in selectors.team_names():
        raise Http404("No such team.")
    services.revoke_team_calendar(team=services.team_named(name=team))
    messages.success(request, f"The {team} calendar has a new address. The old one no longer works.")
    return redirect("notifications:team", team=team)


def review_meeting(request, postmortem_pk):
    postmortem = get_object_or_404(
        Postmortem.objects.visible_to(request.user).select_related("incident"), pk=postmortem_pk
    )
    meeting = ReviewMeeting.objects.filter(postmortem=postmortem).prefetch_related("attendees").first()
    initial = {}
    if meeting:
        local = timezone.localtime(meeting.starts_at)
        initial = {
            "date": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": meeting.duration_minutes,
            "location": meeting.location,
            "attendees": " ".join(person.get_username() for person in meeting.attendees.all()),
        }
    else:
        people = [*postmortem.authors.all(), *postmortem.reviewers.all()]
        initial = {"attendees": " ".join(dict.fromkeys(person.get_username() for person in people))}
    form = ReviewMeetingForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not request.user.has_perm("postmortems.change_postmortem"):
            raise PermissionDenied
        if form.is_valid():
            services.schedule_review_meeting(
                postmortem=postmortem,
                starts_at=form.starts_at(),
                by=request.user,
                duration_minutes=form.cleaned_data["duration_minutes"],
                location=form.cleaned_data["location"],
                attendees=form.cleaned_data["attendees"],
            )
            messages.success(request, "Review meeting saved; invitations are on their way.")
            return redirect(postmortem)
    return render(
        request,
        "notifications/review_meeting.html",
        {
            "postmortem": postmortem,
            "meeting": meeting,
            "form": form,
        },
    )
