"""iCalendar documents (RFC 5545, built with `icalendar`): feeds and review-meeting invitations."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from core.people import display_name
from postmortems.models import ActionItem

from .messages import absolute_url
from .models import ReviewMeeting

PRODID = "-//Hindsight//Notifications//EN"


def new_calendar(name: str, method: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    if method:
        calendar.add("method", method)
    return calendar


def action_item_event(item: ActionItem) -> Event:
    event = Event()
    event.add("uid", f"action-item-{item.pk}@hindsight")
    event.add("dtstamp", item.updated_at)
    event.add("dtstart", item.due_date)
    event.add("dtend", item.due_date + timedelta(days=1))
    event.add("summary", f"Due: {item.title}" if item.is_open else f"Closed: {item.title}")
    event.add(
        "description", f"Action item from “{item.postmortem.title}”.\n{absolute_url(item.get_absolute_url())}"
    )
    event.add("url", absolute_url(item.get_absolute_url()))
    event.add("transp", "TRANSPARENT")
    return event


def person_address(user) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(display_name(user))
    return address


def meeting_event(meeting: ReviewMeeting, *, with_people: bool) -> Event:
    postmortem = meeting.postmortem
    event = Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", meeting.updated_at or timezone.now())
    event.add("sequence", meeting.sequence)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"Postmortem review: {postmortem.title}")
    event.add(
        "description",
        f"Review of the postmortem “{postmortem.title}”.\n{absolute_url(postmortem.get_absolute_url())}",
    )
    event.add("url", absolute_url(postmortem.get_absolute_url()))
    if meeting.location:
        event.add("location", meeting.location)
    if with_people:
        organizer = meeting.organizer
        if organizer is not None and organizer.email:
            event.add("organizer", person_address(organizer))
        else:
            event.add(
                "organizer", vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}")
            )
        for attendee in meeting.attendees.all():
            if attendee.email:
                address = person_address(attendee)
                address.params["role"] = vText("REQ-PARTICIPANT")
                address.params["partstat"] = vText("NEEDS-ACTION")
                address.params["rsvp"] = vText("TRUE")
                event.add("attendee", address, encode=0)
    return event


def feed(name: str, items: Iterable[ActionItem], meetings: Iterable[ReviewMeeting]) -> bytes:
    calendar = new_calendar(name)
    for item in items:
        calendar.add_component(action_item_event(item))
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, with_people=False))
    return calendar.to_ical()


def invitation(meeting: ReviewMeeting) -> str:
    calendar = new_calendar("Postmortem review", method="REQUEST")
    calendar.add_component(meeting_event(meeting, with_people=True))
    return calendar.to_ical().decode()
