from django import forms
from django.contrib.auth import get_user_model

from documents.forms import VersionedDocumentForm

from .models import ActionItem, Postmortem


def people():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class PostmortemForm(VersionedDocumentForm):
    authors = PeopleChoiceField(queryset=people(), required=False, widget=forms.SelectMultiple(attrs={"size": 6}))
    reviewers = PeopleChoiceField(
        queryset=people(), required=False, widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="They are asked to review it when it is sent for review.",
    )

    class Meta:
        model = Postmortem
        fields = ["title", "body", "authors", "reviewers"]
        labels = {"body": "Postmortem (Markdown)"}


class ActionItemForm(forms.ModelForm):
    owner = PersonChoiceField(queryset=people(), required=False, empty_label="Unassigned")

    class Meta:
        model = ActionItem
        fields = [
            "title", "kind", "priority", "owner", "due_date", "status", "wont_do_reason", "runbook", "description",
        ]
        labels = {"runbook": "Runbook to update"}
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
            "wont_do_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == ActionItem.Status.WONT_DO and not (cleaned.get("wont_do_reason") or "").strip():
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


class QuickUpdateForm(forms.ModelForm):
    """The review page's one-line form: owner and status, and a reason when it won't be done."""

    owner = PersonChoiceField(queryset=people(), required=False)

    class Meta:
        model = ActionItem
        fields = ["owner", "status", "wont_do_reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == ActionItem.Status.WONT_DO and not (cleaned.get("wont_do_reason") or "").strip():
            self.add_error("wont_do_reason", "Say why this won't be done: the next review will ask.")
        return cleaned


class WorkflowForm(forms.Form):
    action = forms.ChoiceField(choices=[("review", "Send for review"), ("publish", "Publish"), ("reopen", "Reopen")])
