from django import forms

from core.limits import MAX_COMMENT_LENGTH, MAX_SUMMARY_LENGTH

from .models import MAX_QUOTE_LENGTH, ReviewComment, Verdict

COMMENT_TOO_LONG = (
    f"A comment holds at most {MAX_COMMENT_LENGTH // 1000} KB of text ({MAX_COMMENT_LENGTH:,} characters)."
)


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment (Markdown)",
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": COMMENT_TOO_LONG},
    )
    section = forms.ChoiceField(label="On", required=False)
    quote = forms.CharField(
        label="Quoted text (optional)",
        required=False,
        max_length=MAX_QUOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Copy the words you are commenting on; the comment stays attached to them through other edits.",
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", "The whole postmortem"), *((name, name) for name in sections)]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Reply (Markdown)",
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": COMMENT_TOO_LONG},
    )


class EditCommentForm(forms.ModelForm):
    class Meta:
        model = ReviewComment
        fields = ["body"]
        labels = {"body": "Comment (Markdown)"}
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}
        error_messages = {"body": {"max_length": COMMENT_TOO_LONG}}


class VerdictForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(Verdict.Kind.APPROVED, "Approve"), (Verdict.Kind.CHANGES_REQUESTED, "Request changes")]
    )
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PublicSummaryForm(forms.Form):
    title = forms.CharField(
        label="Public title", max_length=200, help_text="E.g. “Checkout errors on 3 March”."
    )
    body = forms.CharField(
        label="Public summary (Markdown)",
        max_length=MAX_SUMMARY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="For customers: what happened, how long, what we changed. No names, no internal timeline.",
    )
    is_public = forms.BooleanField(label="Show it on the public status page", required=False)
