from django.contrib import admin

from incidents.admin import RestrictedIncidentAdmin

from .models import Runbook, RunbookUsage, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Runbook)
class RunbookAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "owner_team",
        "last_reviewed_at",
        "review_interval_days",
        "version",
        "updated_at",
    ]
    list_filter = ["owner_team", "services", "tags"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["services", "tags"]
    readonly_fields = ["version", "last_reviewed_at", "last_reviewed_by", "updated_at", "updated_by"]


@admin.register(RunbookUsage)
class RunbookUsageAdmin(RestrictedIncidentAdmin, admin.ModelAdmin):
    incident_path = "incident__"

    list_display = ["incident", "runbook", "outcome", "recorded_by", "recorded_at"]
    list_filter = ["outcome"]
    search_fields = ["incident__title", "runbook__title", "note"]
    raw_id_fields = ["incident", "runbook"]
    list_select_related = ["incident", "runbook", "recorded_by"]
