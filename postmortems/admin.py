from django import forms
from django.contrib import admin

from incidents.admin import RestrictedIncidentAdmin
from incidents.models import Severity

from .drafting import PLACEHOLDER_NAMES
from .models import ActionItem, Postmortem, PostmortemTemplate
from .services import delete_action_item, save_action_item


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

    def save_formset(self, request, form, formset, change):
        if formset.model is not ActionItem:
            return super().save_formset(request, form, formset, change)
        for item in formset.save(commit=False):
            save_action_item(item=item, by=request.user)
        for item in formset.deleted_objects:
            delete_action_item(item=item, by=request.user)
        return None


@admin.register(ActionItem)
class ActionItemAdmin(RestrictedIncidentAdmin, admin.ModelAdmin):
    incident_path = "postmortem__incident__"

    list_display = ["title", "postmortem", "kind", "priority", "owner", "team", "due_date", "status"]
    list_filter = ["status", "kind", "priority", "team"]
    search_fields = ["title", "description", "postmortem__title", "owner__username"]
    raw_id_fields = ["postmortem", "owner", "created_by"]
    list_select_related = ["postmortem", "owner"]
    date_hierarchy = "due_date"

    def save_model(self, request, obj, form, change):
        save_action_item(item=obj, by=request.user)


class PostmortemTemplateForm(forms.ModelForm):
    default_for_severities = forms.TypedMultipleChoiceField(
        choices=[(s.value, s.label) for s in Severity if s != Severity.UNKNOWN],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="New postmortems for incidents of these severities start from this template.",
    )

    class Meta:
        model = PostmortemTemplate
        fields = ["name", "description", "body", "is_default", "default_for_severities"]
        help_texts = {
            "body": "Markdown. Placeholders: "
            + ", ".join(f"{{{{ {name} }}}}" for name in PLACEHOLDER_NAMES)
            + '. For text to use when a value is empty: {{ incident.summary|default:"_Say what happened._" }}',
        }


@admin.register(PostmortemTemplate)
class PostmortemTemplateAdmin(admin.ModelAdmin):
    form = PostmortemTemplateForm
    list_display = ["name", "is_default", "default_for_severities", "updated_at"]
    search_fields = ["name", "description", "body"]
