from datetime import timedelta

from django import forms
from django.utils import timezone

from accounts.selectors import people
from core.dates import validate_in_date_window
from core.forms import CheckedModelMultipleChoiceField
from core.people import display_name

from .models import KEY_TIMESTAMPS, Incident, Kind, Service, Severity, Status, StatusUpdate, TimelineEntry


class LocalDateTimeInput(forms.DateTimeInput):
    """A browser date-time picker; values are shown and read in the user's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class DeclareIncidentForm(forms.ModelForm):
    """The minimum to get a response going; everything else can be filled in later."""

    services = CheckedModelMultipleChoiceField(
        queryset=Service.objects.all(), widget=forms.SelectMultiple(attrs={"size": 6})
    )

    class Meta:
        model = Incident
        fields = ["title", "severity", "services", "summary", "kind", "restricted"]
        widgets = {
            "title": forms.TextInput(
                attrs={"placeholder": "Checkout returns 502 for EU customers", "autofocus": True}
            ),
            "severity": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "Unknown" is for imported history; someone declaring an incident now can judge its severity.
        self.fields["severity"].choices = [c for c in Severity.choices if c[0] != Severity.UNKNOWN]
        self.fields["kind"].required = False  # left out (an older form, a script): a real incident

    def clean_kind(self):
        return self.cleaned_data.get("kind") or Kind.REAL


class IncidentForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = [
            "title",
            "severity",
            "kind",
            "status",
            "detection_source",
            "summary",
            "customer_impact",
            "chat_channel_url",
            "bridge_url",
            "services",
            "categories",
            "started_at",
            "detected_at",
            "acknowledged_at",
            "mitigated_at",
            "resolved_at",
            "commander",
            "tech_lead",
            "comms_lead",
            "scribe",
            "smes",
            "restricted",
            "people",
        ]
        widgets = {
            **{field: LocalDateTimeInput() for field, _ in KEY_TIMESTAMPS},
            "summary": forms.Textarea(attrs={"rows": 5}),
            "customer_impact": forms.Textarea(attrs={"rows": 3}),
            "services": forms.SelectMultiple(attrs={"size": 6}),
            "categories": forms.SelectMultiple(attrs={"size": 6}),
            "smes": forms.SelectMultiple(attrs={"size": 6}),
            "people": forms.SelectMultiple(attrs={"size": 6}),
        }
        field_classes = dict.fromkeys(
            ("services", "categories", "smes", "people"), CheckedModelMultipleChoiceField
        )

    chat_channel_url = forms.URLField(
        label="Chat channel link", required=False, max_length=500, assume_scheme="https"
    )
    bridge_url = forms.URLField(
        label="Call / bridge link", required=False, max_length=500, assume_scheme="https"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = False  # left out: the incident keeps its kind
        self.was_restricted = self.instance.restricted
        for name in ("commander", "tech_lead", "comms_lead", "scribe", "smes", "people"):
            self.fields[name].queryset = people()
            self.fields[name].label_from_instance = display_name

    confirm_restrict = forms.BooleanField(
        required=False,
        label="Yes, restrict it: its public updates leave the status page",
        help_text="Only updates its communications lead publishes stay public.",
    )

    def clean_kind(self):
        return self.cleaned_data.get("kind") or self.instance.kind or Kind.REAL

    def clean(self):
        cleaned = super().clean()
        restricting = cleaned.get("restricted") and not self.was_restricted
        if restricting and not cleaned.get("confirm_restrict"):
            public = self.instance.status_updates.public().count() if self.instance.pk else 0
            if public:
                self.add_error(
                    "confirm_restrict",
                    f"This incident has {public} public status update{'s' if public != 1 else ''} on the status "
                    "page. Restricting it takes them off unless its communications lead posted them: tick to "
                    "confirm.",
                )
        return cleaned


class TimelineEntryForm(forms.ModelForm):
    occurred_at = forms.DateTimeField(
        required=False,
        widget=LocalDateTimeInput(),
        help_text="Leave empty for now.",
        validators=[validate_in_date_window],
    )

    class Meta:
        model = TimelineEntry
        fields = ["kind", "text", "occurred_at"]
        widgets = {
            "text": forms.TextInput(
                attrs={"placeholder": "What happened? Press Enter to add.", "autocomplete": "off"}
            ),
        }

    def __init__(self, *args, incident=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.incident = incident
        self.fields["kind"].choices = [
            c for c in TimelineEntry.Kind.choices if c[0] != TimelineEntry.Kind.STATUS_CHANGE
        ]

    def clean_occurred_at(self):
        value = self.cleaned_data.get("occurred_at") or timezone.now()
        # Step from the entered time (inside the date window), never back from a stored one that may not be.
        if self.incident and value + timedelta(days=1) < self.incident.started_at:
            raise forms.ValidationError("This is more than a day before the incident started.")
        return value


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    note = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.TextInput(
            attrs={"placeholder": "Optional note", "aria-label": "Note on the status change"}
        ),
    )


class StatusUpdateForm(forms.ModelForm):
    """The editable draft of a status update."""

    class Meta:
        model = StatusUpdate
        fields = ["kind", "visibility", "headline", "message", "next_update_at"]
        widgets = {
            "kind": forms.RadioSelect,
            "visibility": forms.RadioSelect,
            "message": forms.Textarea(attrs={"rows": 12}),
            "next_update_at": LocalDateTimeInput(),
        }
        labels = {"next_update_at": "Next update by"}
        help_texts = {"next_update_at": "Leave empty for a resolution notice."}

    def __init__(self, *args, kinds=None, **kwargs):
        """`kinds`: the kinds this incident may post now (a resolved one only its resolution notice)."""
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [
                (value, label) for value, label in StatusUpdate.Kind.choices if value in kinds
            ]

    def clean_next_update_at(self):
        value = self.cleaned_data.get("next_update_at")
        if value and value < timezone.now() - timedelta(minutes=1):
            raise forms.ValidationError("The next update time is in the past.")
        return value
