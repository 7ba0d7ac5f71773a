from django.contrib import admin

from .models import Alert, Category, Incident, Service, ServiceAlias, StatusUpdate, TimelineEntry, visible_q


class ServiceAliasInline(admin.TabularInline):
    model = ServiceAlias
    extra = 1
    verbose_name = "alias (another name alerts use for this service)"
    verbose_name_plural = "aliases (other names alerts use for this service: a job, app or namespace label)"


class RestrictedIncidentAdmin:
    """The admin for non-superusers respects restricted incidents like every page: rows of an incident the user
    may not see are not listed, and their change pages answer 404. `incident_path` leads from the row to it."""

    incident_path = ""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(visible_q(request.user, self.incident_path))


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
class IncidentAdmin(RestrictedIncidentAdmin, admin.ModelAdmin):
    incident_path = ""

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
class TimelineEntryAdmin(RestrictedIncidentAdmin, admin.ModelAdmin):
    incident_path = "incident__"

    list_display = ["incident", "occurred_at", "kind", "text", "author"]
    list_filter = ["kind", "occurred_at"]
    search_fields = ["text", "incident__title"]
    list_select_related = ["incident", "author"]
    autocomplete_fields = ["incident", "author"]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(RestrictedIncidentAdmin, admin.ModelAdmin):
    incident_path = "incident__"

    list_display = ["incident", "kind", "visibility", "status", "headline", "posted_at", "author"]
    list_filter = ["visibility", "kind", "status"]
    search_fields = ["headline", "message", "incident__title"]
    raw_id_fields = ["incident"]
    date_hierarchy = "posted_at"


@admin.register(Alert)
class AlertAdmin(RestrictedIncidentAdmin, admin.ModelAdmin):
    incident_path = "incident__"

    list_display = ["alertname", "state", "service_label", "starts_at", "ends_at", "incident"]
    list_filter = ["state", "starts_at"]
    search_fields = ["alertname", "fingerprint", "service_label", "group_key"]
    raw_id_fields = ["incident", "suggested_runbook"]
    list_select_related = ["incident"]
