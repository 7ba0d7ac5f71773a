from django.contrib import admin

from .models import Alert, Category, Incident, Service, ServiceAlias, StatusUpdate, TimelineEntry


class ServiceAliasInline(admin.TabularInline):
    model = ServiceAlias
    extra = 1
    verbose_name = "alias (another name alerts use for this service)"
    verbose_name_plural = "aliases (other names alerts use for this service: a job, app or namespace label)"


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "tier"]
    list_filter = ["tier", "team"]
    search_fields = ["name", "team", "description", "aliases__name"]
    inlines = [ServiceAliasInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name", "description"]


class TimelineEntryInline(admin.TabularInline):
    model = TimelineEntry
    extra = 0
    autocomplete_fields = ["author"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "title",
        "severity",
        "status",
        "detection_source",
        "started_at",
        "resolved_at",
    ]
    list_filter = ["severity", "status", "detection_source", "services", "categories", "started_at"]
    search_fields = ["title", "summary", "customer_impact"]
    date_hierarchy = "started_at"
    autocomplete_fields = [
        "commander",
        "tech_lead",
        "comms_lead",
        "scribe",
        "smes",
        "created_by",
        "recurrence_of",
    ]
    filter_horizontal = ["services", "categories"]
    inlines = [TimelineEntryInline]
    list_select_related = True


@admin.register(TimelineEntry)
class TimelineEntryAdmin(admin.ModelAdmin):
    list_display = ["incident", "occurred_at", "kind", "text", "author"]
    list_filter = ["kind", "occurred_at"]
    search_fields = ["text", "incident__title"]
    list_select_related = ["incident", "author"]
    autocomplete_fields = ["incident", "author"]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(admin.ModelAdmin):
    list_display = ["incident", "kind", "visibility", "status", "headline", "posted_at", "author"]
    list_filter = ["visibility", "kind", "status"]
    search_fields = ["headline", "message", "incident__title"]
    raw_id_fields = ["incident"]
    date_hierarchy = "posted_at"


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["alertname", "state", "service_label", "starts_at", "ends_at", "incident"]
    list_filter = ["state", "starts_at"]
    search_fields = ["alertname", "fingerprint", "service_label", "group_key"]
    raw_id_fields = ["incident", "suggested_runbook"]
    list_select_related = ["incident"]
