from django.contrib import admin

from .models import PublicSummary, ReviewComment, Verdict


@admin.register(ReviewComment)
class ReviewCommentAdmin(admin.ModelAdmin):
    list_display = ["postmortem", "author", "section", "created_at", "resolved_at"]
    list_filter = ["resolved_at"]
    search_fields = ["body", "quote", "section", "postmortem__title"]
    raw_id_fields = ["postmortem", "parent", "author", "resolved_by"]


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin):
    list_display = ["postmortem", "reviewer", "kind", "version", "created_at"]
    list_filter = ["kind"]
    search_fields = ["postmortem__title", "note"]
    raw_id_fields = ["postmortem", "reviewer"]


@admin.register(PublicSummary)
class PublicSummaryAdmin(admin.ModelAdmin):
    list_display = ["postmortem", "is_public", "updated_at"]
    list_filter = ["is_public"]
    search_fields = ["postmortem__title", "body"]
    raw_id_fields = ["postmortem", "updated_by"]
