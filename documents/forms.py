from django import forms
from markdownx.widgets import MarkdownxWidget


class VersionedDocumentForm(forms.ModelForm):
    """A ModelForm for a VersionedDocument: carries the version it was loaded from, edits body with live preview."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # On the conflict page: the version the overlapping hunks were computed against (see documents.merging).
    theirs_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["loaded_version"].initial = self.instance.version
        elif not self.instance.pk:
            self.fields["loaded_version"].initial = 0
        if "body" in self.fields:
            # No maxlength: browsers cut a long paste short without a word. hindsight.js counts against
            # data-max-length instead, and the form error below it is the server's word on the same limit.
            limit = self.fields["body"].max_length
            self.fields["body"].widget = MarkdownxWidget(
                attrs={
                    "rows": 24,
                    "class": "markdown-editor",
                    "data-max-length": limit,
                    "aria-describedby": "markdown-keys",
                }
            )
