from django import forms

from core.limits import MAX_SUMMARY_LENGTH
from incidents.models import Service
from postmortems.filters import team_choices
from postmortems.forms import PeopleChoiceField, PersonByNameField, people

from .models import Decision


class StartMeetingForm(forms.Form):
    """The review page's filters (a team, a service) and who is in the room."""

    team = forms.ChoiceField(required=False)
    service = forms.ModelChoiceField(
        queryset=Service.objects.all(), required=False, empty_label="Any service"
    )
    attendees = PeopleChoiceField(
        queryset=people(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Who is in the meeting; they get the summary when it ends.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "Any team"), *team_choices()]


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Decision",
        choices=Decision.Kind.choices,
        widget=forms.RadioSelect,
        initial=Decision.Kind.NO_CHANGE,
    )
    owner = PersonByNameField(label="Assign to", required=False)
    due_date = forms.DateField(
        label="Due date moves to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the due date moves and for “won't do”.",
    )
    seen_decision = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)
    seen_version = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [
                (value, label) for value, label in Decision.Kind.choices if value in kinds
            ]


class NotesForm(forms.Form):
    notes = forms.CharField(
        label="Meeting notes (Markdown)",
        required=False,
        max_length=MAX_SUMMARY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    seen_version = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
