from django.contrib import admin

from incidents.admin import RestrictedIncidentAdmin

from .models import (
    CalendarFeed,
    ChatChannel,
    Notification,
    ReviewMeeting,
    Subscription,
    Team,
    about_hidden_incidents,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "channel", "recipient", "team", "subject", "state", "attempts"]
    list_filter = ["state", "channel", "kind", "held_for_digest"]
    search_fields = ["subject", "address", "recipient__username", "team", "dedupe_key"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "digest", "chat_channel"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        """Never a notification about a restricted incident the user may not see."""
        return super().get_queryset(request).exclude(about_hidden_incidents(request.user))


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]


class ChatChannelInline(admin.TabularInline):
    model = ChatChannel
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "digest_weekday", "digest_time"]
    search_fields = ["name"]
    inlines = [ChatChannelInline]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]
    exclude = ["token"]


@admin.register(ReviewMeeting)
class ReviewMeetingAdmin(RestrictedIncidentAdmin, admin.ModelAdmin):
    incident_path = "postmortem__incident__"

    list_display = ["postmortem", "starts_at", "duration_minutes", "location"]
    search_fields = ["postmortem__title", "location"]
    raw_id_fields = ["postmortem", "organizer"]
    filter_horizontal = ["attendees"]
    date_hierarchy = "starts_at"
