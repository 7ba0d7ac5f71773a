"""The site's form renderer: Django's, except that <select> is built in Python.

Rendering a select through templates costs several microseconds per <option>; with 500 services or 1,000
people in a list that becomes most of a page's time. The markup is the same as Django's select.html.

`NamedChoiceSelect` goes further for the long filter selects (services, categories, tags) shown on every list
page: it reads the choices as plain (value, name) rows and reuses the option markup built for the same rows.
"""

from functools import lru_cache
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"


def _option(option: dict[str, Any]) -> str:
    extra = {key: value for key, value in option["attrs"].items() if key != "selected"}
    attrs = (" selected" if option["selected"] else "") + (flatatt(extra) if extra else "")
    return f'<option value="{escape(str(option["value"]))}"{attrs}>{escape(str(option["label"]))}</option>'


def render_select(widget: dict[str, Any]) -> SafeString:
    groups = []
    for group_name, options, _index in widget["optgroups"]:
        rendered = "".join(_option(option) for option in options)
        groups.append(
            f'<optgroup label="{escape(str(group_name))}">{rendered}</optgroup>' if group_name else rendered
        )
    return mark_safe(
        f'<select name="{escape(widget["name"])}"{flatatt(widget["attrs"])}>{"".join(groups)}</select>'
    )


class FormRenderer(TemplatesSetting):
    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        if template_name == SELECT_TEMPLATE:
            return render_select(context["widget"])
        return super().render(template_name, context, request=request)


class NamedChoiceSelect(forms.Select):
    """A <select> over a model choice field whose options are labelled by one column (`label_field`, the
    model's `__str__`): the same markup as the field's own select, built from one plain query of
    (value, label) rows instead of a model instance per option, and built only once per distinct set of rows.

    The markup cache is keyed by the rows themselves, so a renamed, added or removed row is a different key:
    it can never show an old name, in any process."""

    def __init__(self, attrs: dict[str, Any] | None = None, *, label_field: str = "name") -> None:
        super().__init__(attrs)
        self.label_field = label_field

    def option_rows(self) -> tuple[tuple[str, str], ...]:
        choices = self.choices
        if not isinstance(choices, ModelChoiceIterator):
            return tuple((str(value), str(label)) for value, label in choices)
        field = choices.field
        rows = []
        if field.empty_label is not None:
            rows.append(("", str(field.empty_label)))
        null_label = getattr(field, "null_label", None)  # django-filter's "none of them" choice
        if null_label is not None:
            rows.append((str(getattr(field, "null_value", "")), str(null_label)))
        value_field = field.to_field_name or "pk"
        rows += [
            (str(value), str(label))
            for value, label in choices.queryset.values_list(value_field, self.label_field)
        ]
        return tuple(rows)

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        rows = self.option_rows()
        options = _options_markup(rows)
        # Like Django's select: the first option (in order) holding a submitted value is the selected one.
        wanted = set(self.format_value(value))
        chosen = next((option for option, _label in rows if option in wanted), None)
        if chosen is not None:
            plain = f'<option value="{escape(chosen)}">'
            options = options.replace(plain, plain[:-1] + " selected>", 1)
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        return mark_safe(f'<select name="{escape(name)}"{flatatt(final_attrs)}>{options}</select>')


@lru_cache(maxsize=64)
def _options_markup(rows: tuple[tuple[str, str], ...]) -> str:
    return "".join(
        _option({"value": value, "label": label, "selected": False, "attrs": {}}) for value, label in rows
    )
