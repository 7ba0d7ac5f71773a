from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Value
from django.db.models.functions import Concat

from accounts.selectors import people
from core.form_renderer import NamedChoiceSelectMultiple
from core.forms import CheckedModelMultipleChoiceField
from core.people import display_name
from documents.forms import VersionedDocumentForm

from .models import ActionItem, Postmortem

OWNER_OPTIONS_ID = (
    "owner-options"  # the page's one <datalist> of people (templates/actions/_owner_options.html)
)


class PersonByNameField(forms.Field):
    """A person typed or picked from the page's shared list of people by username (a unique full name also
    works); blank means nobody. `current` is accepted even if no longer active, so an item keeps its owner."""

    widget = forms.TextInput(
        attrs={
            "list": OWNER_OPTIONS_ID,
            "autocomplete": "off",
            "placeholder": "Unassigned",
            "aria-describedby": "owner-hint",
        }
    )
    default_error_messages = {
        "unknown": "Nobody called “%(name)s” can own items here. Choose a name from the list, or leave it empty.",
        "ambiguous": "Several people are called “%(name)s”. Choose one of them from the list.",
    }

    def __init__(self, *args, **kwargs):
        self.current = None
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return value.get_username() if isinstance(value, get_user_model()) else value

    def to_python(self, value):
        name = (value or "").strip()
        if not name:
            return None
        if self.current is not None and name == self.current.get_username():
            return self.current
        matches = list(people().filter(username__iexact=name)[:2]) or list(
            people()
            .annotate(full_name=Concat("first_name", Value(" "), "last_name"))
            .filter(full_name__iexact=name)[:2]
        )
        if not matches:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"name": name})
        if len(matches) > 1:
            raise forms.ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params={"name": name}
            )
        return matches[0]


class OwnedItemForm(forms.ModelForm):
    """An action-item form whose owner is named, not picked from a per-form list of everyone."""

    owner = PersonByNameField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.owner_id:
            self.fields["owner"].current = self.instance.owner
            if self.initial.get("owner") == self.instance.owner_id:
                self.initial["owner"] = self.instance.owner.get_username()


class PeopleChoiceField(CheckedModelMultipleChoiceField):
    def label_from_instance(self, user):
        return display_name(user)


class PostmortemForm(VersionedDocumentForm):
    # The edit view hands both fields the page's one list of people; the option markup is reused between requests.
    authors = PeopleChoiceField(
        queryset=people(), required=False, widget=NamedChoiceSelectMultiple(attrs={"size": 6})
    )
    reviewers = PeopleChoiceField(
        queryset=people(),
        required=False,
        widget=NamedChoiceSelectMultiple(attrs={"size": 6}),
        help_text="They are asked to review it when it is sent for review.",
    )

    class Meta:
        model = Postmortem
        fields = ["title", "body", "authors", "reviewers"]
        labels = {"body": "Postmortem (Markdown)"}


class ActionItemForm(OwnedItemForm):
    class Meta:
        model = ActionItem
        fields = [
            "title",
            "kind",
            "priority",
            "owner",
            "due_date",
            "status",
            "wont_do_reason",
            "runbook",
            "description",
        ]
        labels = {"runbook": "Runbook to update"}
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
            "wont_do_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == ActionItem.Status.WONT_DO
            and not (cleaned.get("wont_do_reason") or "").strip()
        ):
            self.add_error("wont_do_reason", "Say why this won't be done: the next review will ask.")
        return cleaned


class ActionItemCreateForm(ActionItemForm):
    class Meta(ActionItemForm.Meta):
        fields = ["postmortem", *ActionItemForm.Meta.fields]


class InlineActionItemForm(ActionItemForm):
    class Meta(ActionItemForm.Meta):
        fields = ["title", "kind", "priority", "owner", "due_date", "status", "wont_do_reason"]
        widgets = {**ActionItemForm.Meta.widgets, "wont_do_reason": forms.TextInput()}


ActionItemFormSet = forms.inlineformset_factory(
    Postmortem, ActionItem, form=InlineActionItemForm, extra=1, can_delete=True
)


class QuickUpdateForm(OwnedItemForm):
    """The review page's one-line form: owner and status, and a reason when it won't be done."""

    class Meta:
        model = ActionItem
        fields = ["owner", "status", "wont_do_reason"]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == ActionItem.Status.WONT_DO
            and not (cleaned.get("wont_do_reason") or "").strip()
        ):
            self.add_error("wont_do_reason", "Say why this won't be done: the next review will ask.")
        return cleaned


class WorkflowForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("review", "Send for review"), ("publish", "Publish"), ("reopen", "Reopen")]
    )
    # Publishing: acknowledges open review comments; says why to publish without enough approvals.
    confirm_open_comments = forms.BooleanField(required=False)
    override_reason = forms.CharField(
        label="Why publish without enough approvals?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
