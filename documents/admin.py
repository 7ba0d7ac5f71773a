from django.contrib import admin

from .models import Revision


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "author", "note", "created_at"]
    list_filter = ["content_type", "created_at"]
    search_fields = ["title", "body", "note"]
    list_select_related = ["content_type", "author"]
    readonly_fields = ["content_type", "object_id", "number", "title", "body", "author", "note", "created_at"]
