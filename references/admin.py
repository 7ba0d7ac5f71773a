from django.contrib import admin

from .models import Reference, RunbookAlias


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    """Read-only: rows are rewritten from the documents' text whenever a document is saved."""

    list_display = ["written_as", "sentence", "created_at"]
    search_fields = ["written_as", "sentence"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RunbookAlias)
class RunbookAliasAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "runbook", "created_at"]
    search_fields = ["title", "slug", "runbook__title"]
    raw_id_fields = ["runbook"]
    list_select_related = ["runbook"]
