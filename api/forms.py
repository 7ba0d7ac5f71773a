from django import forms

from .models import ApiToken


class NewTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]
        widgets = {"name": forms.TextInput(attrs={"placeholder": "deploy pipeline", "autocomplete": "off"})}
