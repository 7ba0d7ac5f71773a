from django.contrib import admin

from incidents.admin import RestrictedIncidentAdmin

from .models import ActionItem, Postmortem


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    fields = ["title", "kind", "priority", "owner", "due_date", "status"]
    raw_id_fields = ["owner"]
    extra = 0


@admin.register(Postmortem)
class PostmortemAdmin(RestrictedIncidentAdmin, admin.ModelAdmin):
    incident_path = "incident__"

    list_display = ["title", "incident", "status", "published_at", "updated_at", "version"]
    list_filter = ["status", "incident__severity"]
    search_fields = ["title", "body", "incident__title"]
    raw_id_fields = ["incident", "published_by", "created_by"]
    filter_horizontal = ["authors", "reviewers"]
    readonly_fields = ["version", "updated_at", "updated_by"]
    list_select_related = ["incident"]
    inlines = [ActionItemInline]


@admin.register(ActionItem)
class ActionItemAdmin(RestrictedIncidentAdmin, admin.ModelAdmin):
    incident_path = "postmortem__incident__"

    list_display = ["title", "postmortem", "kind", "priority", "owner", "team", "due_date", "status"]
    list_filter = ["status", "kind", "priority", "team"]
    search_fields = ["title", "description", "postmortem__title", "owner__username"]
    raw_id_fields = ["postmortem", "owner", "created_by"]
    list_select_related = ["postmortem", "owner"]
    date_hierarchy = "due_date"
