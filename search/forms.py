from django import forms

from core.form_renderer import NamedChoiceSelect
from incidents.models import Service

from .query import parse_query
from .registry import all_kinds


class SearchForm(forms.Form):
    q = forms.CharField(label="Search for", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(label="Kind", required=False)
    service = forms.ModelChoiceField(
        label="Service",
        queryset=Service.objects.only("id", "name"),
        required=False,
        empty_label="Any service",
        widget=NamedChoiceSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Everything"), *((k.name, k.label) for k in all_kinds())]

    def clean_q(self):
        parsed = parse_query(self.cleaned_data["q"])
        if parsed.problem:
            raise forms.ValidationError(parsed.problem)
        self.parsed_query = parsed
        return parsed.text
