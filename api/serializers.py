"""What the API reads and writes. Output serializers describe records; input serializers only validate what a
write needs and hand it to the app's service function (views do the call)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incidents.models import (
    Category,
    Incident,
    Service,
    Severity,
    Status,
    StatusUpdate,
    TimelineEntry,
)
from postmortems.models import ActionItem, Postmortem
from runbooks.models import Runbook

# Choices a write accepts, narrower than the model's (also named in settings.SPECTACULAR_SETTINGS).
DECLARABLE_SEVERITIES = [choice for choice in Severity.choices if choice[0] != Severity.UNKNOWN]
WRITABLE_TIMELINE_KINDS = [c for c in TimelineEntry.Kind.choices if c[0] != TimelineEntry.Kind.STATUS_CHANGE]


class PersonField(serializers.SlugRelatedField):
    """A person by username (active people only when writing)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "username")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", get_user_model().objects.filter(is_active=True))
        super().__init__(**kwargs)


class SiteUrlField(serializers.SerializerMethodField):
    """The record's page on the site (absolute when the request is known)."""

    def __init__(self, **kwargs):
        super().__init__(method_name="site_url", **kwargs)


class SiteUrlMixin(serializers.BaseSerializer):
    @extend_schema_field(OpenApiTypes.URI)
    def site_url(self, obj) -> str:
        request = self.context.get("request")
        url = obj.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


# --- Services and categories ------------------------------------------------------------------------------
class NamedServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["id", "name"]


class NamedCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name"]


class ServiceSerializer(SiteUrlMixin, serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    tier_label = serializers.CharField(source="get_tier_display", read_only=True)
    url = SiteUrlField()

    class Meta:
        model = Service
        fields = ["id", "name", "team", "tier", "tier_label", "description", "aliases", "url"]


class CategorySerializer(SiteUrlMixin, serializers.ModelSerializer):
    url = SiteUrlField()

    class Meta:
        model = Category
        fields = ["id", "name", "description", "url"]


# --- Incidents ----------------------------------------------------------------------------------------------
class IncidentSerializer(SiteUrlMixin, serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True, help_text="INC-<id>")
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    services = NamedServiceSerializer(many=True, read_only=True)
    categories = NamedCategorySerializer(many=True, read_only=True)
    commander = PersonField(read_only=True)
    url = SiteUrlField()

    class Meta:
        model = Incident
        fields = [
            "id",
            "reference",
            "title",
            "severity",
            "severity_label",
            "status",
            "detection_source",
            "services",
            "categories",
            "started_at",
            "detected_at",
            "acknowledged_at",
            "mitigated_at",
            "resolved_at",
            "commander",
            "url",
        ]


class TimelineEntrySerializer(serializers.ModelSerializer):
    author = PersonField(read_only=True)

    class Meta:
        model = TimelineEntry
        fields = ["id", "occurred_at", "kind", "text", "author"]


class StatusUpdateSerializer(serializers.ModelSerializer):
    author = PersonField(read_only=True)

    class Meta:
        model = StatusUpdate
        fields = [
            "id",
            "kind",
            "visibility",
            "status",
            "headline",
            "message",
            "next_update_at",
            "posted_at",
            "author",
        ]


class IncidentDetailSerializer(IncidentSerializer):
    tech_lead = PersonField(read_only=True)
    comms_lead = PersonField(read_only=True)
    scribe = PersonField(read_only=True)
    timeline = TimelineEntrySerializer(many=True, read_only=True)
    status_updates = StatusUpdateSerializer(many=True, read_only=True)

    class Meta(IncidentSerializer.Meta):
        fields = [
            *IncidentSerializer.Meta.fields,
            "summary",
            "customer_impact",
            "tech_lead",
            "comms_lead",
            "scribe",
            "source_url",
            "external_id",
            "created_at",
            "updated_at",
            "timeline",
            "status_updates",
        ]


class DeclareIncidentSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    severity = serializers.ChoiceField(choices=DECLARABLE_SEVERITIES)
    services = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.all(), many=True, allow_empty=False
    )
    categories = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), many=True, required=False
    )
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class NewTimelineEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=WRITABLE_TIMELINE_KINDS, default=TimelineEntry.Kind.OBSERVATION)
    text = serializers.CharField(max_length=TimelineEntry._meta.get_field("text").max_length or 10000)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate_occurred_at(self, value):
        incident = self.context["incident"]
        if value and value + timedelta(days=1) < incident.started_at:
            raise serializers.ValidationError("This is more than a day before the incident started.")
        return value


class NewStatusUpdateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=StatusUpdate.Kind.choices)
    visibility = serializers.ChoiceField(
        choices=StatusUpdate.Visibility.choices, default=StatusUpdate.Visibility.PUBLIC
    )
    headline = serializers.CharField(max_length=200)
    message = serializers.CharField()
    next_update_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate_kind(self, value):
        allowed = self.context["allowed_kinds"]
        if value not in allowed:
            if not allowed:
                raise serializers.ValidationError(
                    "This incident is resolved and its resolution notice is posted."
                )
            raise serializers.ValidationError(f"This incident can post only: {', '.join(allowed)}.")
        return value

    def validate_next_update_at(self, value):
        if value and value < timezone.now() - timedelta(minutes=1):
            raise serializers.ValidationError("The next update time is in the past.")
        return value


# --- Action items ---------------------------------------------------------------------------------------------
class ActionItemSerializer(SiteUrlMixin, serializers.ModelSerializer):
    owner = PersonField(read_only=True)
    incident = serializers.CharField(source="postmortem.incident.reference", read_only=True)
    url = SiteUrlField()

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "title",
            "description",
            "kind",
            "priority",
            "status",
            "owner",
            "team",
            "due_date",
            "completed_at",
            "wont_do_reason",
            "postmortem",
            "incident",
            "runbook",
            "created_at",
            "url",
        ]


class NewActionItemSerializer(serializers.Serializer):
    postmortem = serializers.PrimaryKeyRelatedField(queryset=Postmortem.objects.all())
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=ActionItem.Kind.choices, default=ActionItem.Kind.PREVENT)
    priority = serializers.ChoiceField(choices=ActionItem.Priority.choices, default=ActionItem.Priority.P3)
    owner = PersonField(required=False, allow_null=True, default=None)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    runbook = serializers.SlugRelatedField(
        slug_field="slug", queryset=Runbook.objects.all(), required=False, allow_null=True, default=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A postmortem of a restricted incident the caller may not see is answered as one that does not exist.
        request = self.context.get("request")
        self.fields["postmortem"].queryset = Postmortem.objects.visible_to(getattr(request, "user", None))


class AssignSerializer(serializers.Serializer):
    owner = PersonField(allow_null=True, help_text="A username; null for nobody.")


class ActionItemStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionItem.Status.choices)
    wont_do_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    def validate(self, attrs):
        if attrs["status"] == ActionItem.Status.WONT_DO and not attrs["wont_do_reason"].strip():
            raise serializers.ValidationError(
                {"wont_do_reason": "Say why this won't be done: the next review will ask."}
            )
        return attrs


# --- Postmortems and runbooks ----------------------------------------------------------------------------------
class PostmortemSerializer(SiteUrlMixin, serializers.ModelSerializer):
    incident = serializers.CharField(source="incident.reference", read_only=True)
    incident_id = serializers.IntegerField(read_only=True)
    url = SiteUrlField()

    class Meta:
        model = Postmortem
        fields = [
            "id",
            "title",
            "status",
            "incident",
            "incident_id",
            "version",
            "published_at",
            "created_at",
            "updated_at",
            "url",
        ]


class PostmortemDetailSerializer(PostmortemSerializer):
    authors = PersonField(many=True, read_only=True)
    reviewers = PersonField(many=True, read_only=True)

    class Meta(PostmortemSerializer.Meta):
        fields = [*PostmortemSerializer.Meta.fields, "authors", "reviewers", "body"]


class RunbookSerializer(SiteUrlMixin, serializers.ModelSerializer):
    services = NamedServiceSerializer(many=True, read_only=True)
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    url = SiteUrlField()

    class Meta:
        model = Runbook
        fields = [
            "id",
            "title",
            "slug",
            "services",
            "tags",
            "owner_team",
            "version",
            "last_reviewed_at",
            "review_interval_days",
            "updated_at",
            "url",
        ]


class RunbookDetailSerializer(RunbookSerializer):
    class Meta(RunbookSerializer.Meta):
        fields = [*RunbookSerializer.Meta.fields, "body"]
