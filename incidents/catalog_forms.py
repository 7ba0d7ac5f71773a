"""Forms for the service and category pages: they validate; incidents.catalog writes."""

from django import forms

from .catalog import find_service_named
from .models import Category, Service


class ServiceForm(forms.ModelForm):
    aliases = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Other names alerts use for it (a Prometheus job, app or namespace), one a line; matched "
        "case-insensitively.",
    )

    class Meta:
        model = Service
        fields = ["name", "team", "tier", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "team": "The team that owns it; its chat channels and digests are set on the Teams page."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["aliases"] = "\n".join(self.instance.aliases.values_list("name", flat=True))

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = find_service_named(name, exclude=self.instance if self.instance.pk else None)
        if clash:
            raise forms.ValidationError(
                f"There is already a service called “{clash.name}”: merge into it instead."
            )
        return name

    def alias_names(self) -> list[str]:
        return self.cleaned_data["aliases"].splitlines()


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Category.objects.filter(name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("There is already a category with this name: merge into it instead.")
        return name


class MergeForm(forms.Form):
    """Where to merge one service (or category) into: any other one."""

    into = forms.ModelChoiceField(queryset=Service.objects.none(), label="Merge into")

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = type(source).objects.exclude(pk=source.pk)
        self.fields["into"].empty_label = "Choose one"
