import zoneinfo

from django import forms
from django.conf import settings

from .reading import FORMATS

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def _zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ImportUploadForm(forms.Form):
    file = forms.FileField(help_text="CSV or JSON in the format described on this page, at most 10 MB.")
    timezone = forms.ChoiceField(
        label="Time zone for times without an offset", choices=_zone_choices, initial=settings.TIME_ZONE
    )
    skip_errors = forms.BooleanField(
        required=False, label="Import the good rows even if some are bad (the bad ones are listed)"
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "The file is larger than 10 MB: import it with manage.py import_incidents."
            )
        extension = upload.name.rsplit(".", 1)[-1].lower()
        if extension not in FORMATS:
            raise forms.ValidationError("Choose a .csv or .json file.")
        return upload
