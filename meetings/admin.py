from django.contrib import admin

from .models import AgendaItem, Decision, DueDateChange, Meeting

AGENDA_ITEM_FIELDS = ("position", "section", "title", "seconds_spent")


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fields = AGENDA_ITEM_FIELDS
    readonly_fields = AGENDA_ITEM_FIELDS
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "team",
        "service",
        "started_at",
        "ended_at",
        "agenda_size",
        "closed_automatically",
    ]
    list_filter = ["team", "closed_automatically"]
    date_hierarchy = "started_at"
    raw_id_fields = ["previous", "started_by", "ended_by", "service"]
    filter_horizontal = ["attendees"]
    readonly_fields = ["notes_html", "agenda_size", "open_items_at_start", "open_items_at_end"]
    inlines = [AgendaItemInline]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["kind", "action_item", "owner", "due_date", "by", "at", "meeting"]
    list_filter = ["kind"]
    search_fields = ["action_item__title", "reason"]
    raw_id_fields = ["meeting", "agenda_item", "action_item", "owner", "by"]


@admin.register(DueDateChange)
class DueDateChangeAdmin(admin.ModelAdmin):
    list_display = ["action_item", "old_date", "new_date", "by", "at", "meeting"]
    search_fields = ["action_item__title", "reason"]
    raw_id_fields = ["action_item", "meeting", "by"]
