from django import forms
from django.db.models.functions import Lower
from django.utils.text import slugify

from core.forms import CheckedModelMultipleChoiceField
from documents.forms import VersionedDocumentForm
from incidents.models import Service

from .models import RESERVED_SLUGS, Runbook, RunbookUsage

MAX_TAGS = 12


class RunbookForm(VersionedDocumentForm):
    tag_names = forms.CharField(
        label="Tags",
        required=False,
        max_length=400,
        help_text="Comma-separated, e.g. postgres, capacity, tls.",
    )

    class Meta:
        model = Runbook
        fields = ["title", "slug", "services", "tag_names", "owner_team", "review_interval_days", "body"]
        widgets = {"services": forms.SelectMultiple(attrs={"size": 6})}
        field_classes = {"services": CheckedModelMultipleChoiceField}
        help_texts = {"slug": "Used in the runbook's address; leave empty to make one from the title."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["services"].queryset = Service.objects.only("id", "name")
        if self.instance.pk and not self.is_bound:
            self.fields["tag_names"].initial = ", ".join(t.name for t in self.instance.tags.all())

    def clean_slug(self):
        slug = self.cleaned_data.get("slug", "") or self.instance.slug  # empty: keep it, or make one on save
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(f"“{slug}” is reserved for a page; choose another.")
        return slug

    def clean_tag_names(self):
        names = []
        for raw in self.cleaned_data["tag_names"].split(","):
            name = slugify(raw.strip())[:50]
            if raw.strip() and not name:
                raise forms.ValidationError(
                    f"“{raw.strip()}” is not a usable tag: use letters, digits and dashes."
                )
            if name and name not in names:
                names.append(name)
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(f"Use at most {MAX_TAGS} tags.")
        return names


RUNBOOK_SUGGESTIONS = 100


class RunbookUsageForm(forms.ModelForm):
    """Which runbook was used, by slug: a text box suggesting the incident's services' runbooks (a <datalist>),
    so the incident page never ships a choice list of every runbook in the library."""

    runbook = forms.ModelChoiceField(
        queryset=Runbook.objects.only("id", "title", "slug"),
        to_field_name="slug",
        required=False,
        label="Runbook",
        help_text="Pick a suggestion or type a runbook's short name; leave empty when it was missing.",
        error_messages={
            "invalid_choice": "There is no runbook called “%(value)s”. Pick one from the suggestions."
        },
        widget=forms.TextInput(
            attrs={
                "list": "runbook-suggestions",
                "autocomplete": "off",
                "placeholder": "e.g. connection-pool-exhaustion",
            }
        ),
    )

    class Meta:
        model = RunbookUsage
        fields = ["runbook", "outcome", "note"]
        labels = {"outcome": "Did it help?", "note": "Note"}
        widgets = {"note": forms.TextInput(attrs={"placeholder": "What was missing or wrong (optional)"})}


def runbook_suggestions(incident):
    """Runbooks for the incident's services, the likeliest ones to have been used (one query, bounded)."""
    # A semi-join from the incident's few services rather than a DISTINCT over every joined row.
    linked = Runbook.services.through.objects.filter(service__incidents=incident).values("runbook_id")
    return (
        Runbook.objects.filter(pk__in=linked)
        .only("title", "slug")
        .order_by(Lower("title"), "id")[:RUNBOOK_SUGGESTIONS]
    )
