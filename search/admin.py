from django.contrib import admin

from .backends import restricted_documents
from .models import SearchDocument


@admin.register(SearchDocument)
class SearchDocumentAdmin(admin.ModelAdmin):
    """Read-only: rows are written by the index itself (signals, rebuild_search_index)."""

    list_display = ["title", "kind", "updated_at", "url"]
    list_filter = ["kind"]
    search_fields = ["title"]

    def get_queryset(self, request):
        """Not the documents of restricted incidents the user may not see (search results leave them out too)."""
        return super().get_queryset(request).exclude(restricted_documents(request.user))

    exclude = ["search_vector"]
    readonly_fields = [
        "content_type",
        "object_id",
        "kind",
        "title",
        "keywords",
        "body",
        "url",
        "services",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
