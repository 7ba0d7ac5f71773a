from datetime import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.dates import validate_in_date_window

from .models import PERSONAL_KINDS, Channel, ChatChannel, Delivery, Kind, State, Team


class OutboxFilterForm(forms.Form):
    state = forms.ChoiceField(choices=[("", "Any state"), *State.choices], required=False)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Kind.choices], required=False)
    channel = forms.ChoiceField(choices=[("", "Any channel"), *Channel.choices], required=False)
    recipient = forms.CharField(required=False, label="Recipient (username)", max_length=150)
    team = forms.CharField(required=False, max_length=100)

    def filter(self, queryset):
        data = self.cleaned_data
        for field in ("state", "kind", "channel", "team"):
            if data.get(field):
                queryset = queryset.filter(**{field: data[field]})
        if data.get("recipient"):
            queryset = queryset.filter(recipient__username=data["recipient"])
        return queryset


class PreferencesForm(forms.Form):
    """One choice per kind a person receives: an email each, the daily digest, or nothing."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in PERSONAL_KINDS:
            choices = (
                Delivery.choices
                if kind != Kind.REVIEW_MEETING
                else [(value, label) for value, label in Delivery.choices if value != Delivery.DIGEST]
            )
            self.fields[kind] = forms.ChoiceField(
                label=Kind(kind).label, choices=choices, initial=current.get(kind, Delivery.IMMEDIATELY)
            )


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["digest_weekday", "digest_time"]
        widgets = {"digest_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


class ChatChannelForm(forms.ModelForm):
    class Meta:
        model = ChatChannel
        fields = ["name", "url"]
        labels = {"url": "Apprise URL"}

    def clean_url(self):
        import apprise

        url = self.cleaned_data["url"].strip()
        if not apprise.Apprise().add(url):
            raise forms.ValidationError(
                "Not a chat URL Apprise understands: use e.g. slack://…, https://hooks.slack.com/…, "
                "mmost://…, "
                "msteams://…, discord://… or json://host/path."
            )
        return url


class ReviewMeetingForm(forms.Form):
    date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), validators=[validate_in_date_window]
    )
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(label="Duration (minutes)", min_value=15, max_value=480, initial=60)
    location = forms.CharField(max_length=200, required=False, help_text="A room or a video-call link.")
    attendees = forms.CharField(
        help_text="Usernames, separated by commas or spaces.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_attendees(self):
        names = {name for name in self.cleaned_data["attendees"].replace(",", " ").split() if name}
        people = list(get_user_model().objects.filter(username__in=names, is_active=True))
        unknown = names - {person.get_username() for person in people}
        if unknown:
            raise forms.ValidationError(f"Nobody active is called: {', '.join(sorted(unknown))}.")
        if not people:
            raise forms.ValidationError("Invite at least one person.")
        return people

    def starts_at(self) -> datetime:
        naive = datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        return timezone.make_aware(naive, timezone.get_current_timezone())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date") and cleaned.get("time") and self.starts_at() < timezone.now():
            self.add_error("date", "The meeting would be in the past.")
        return cleaned
