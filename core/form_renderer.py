"""The site's form renderer: Django's, except that the common widgets are built in Python.

Rendering a select through templates costs several microseconds per <option>; with 500 services or 1,000
people in a list that becomes most of a page's time. The markup is the same as Django's select.html. The
inputs, checkbox and radio lists and textareas are built in Python too (each of them is three to five nested
templates in Django, a tenth of a millisecond per field, and a filter sidebar has a dozen fields), with the
markup of Django's templates to the byte (tests/core/test_form_renderer.py compares them).

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
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
WIDGETS = "django/forms/widgets/"
INPUT_TEMPLATES = {
    f"{WIDGETS}{name}.html"
    for name in (
        [
            "input",
            "text",
            "search",
            "number",
            "email",
            "url",
            "password",
            "hidden",
            "date",
            "datetime",
            "time",
            "tel",
            "color",
            "checkbox",
            "file",
        ]
    )
}
CHOICE_LIST_TEMPLATES = {f"{WIDGETS}checkbox_select.html", f"{WIDGETS}radio.html"}
OPTION_TEMPLATES = {f"{WIDGETS}checkbox_option.html", f"{WIDGETS}radio_option.html"}
TEXTAREA_TEMPLATE = f"{WIDGETS}textarea.html"
# What `{{ value }}` does in the widget templates: localise, then escape unless already safe.
_TEMPLATE_CONTEXT = Context(autoescape=True)


def _text(value: Any) -> str:
    return str(render_value_in_context(value, _TEMPLATE_CONTEXT))


def _string(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: str() without localising; a safe value stays unescaped."""
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (ValueError, TypeError):
        return ""
    return str(conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text))


def _attrs(attrs: dict[str, Any]) -> str:
    """attrs.html: True as a bare name, False left out."""
    return "".join(
        f" {_text(name)}" + ("" if value is True else f'="{_string(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def render_input(widget: dict[str, Any]) -> str:
    """input.html (and its trailing newline, kept inside the option lists that include it)."""
    value = "" if widget["value"] is None else f' value="{_string(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>\n'


def render_option(option: dict[str, Any]) -> str:
    """checkbox_option.html / radio_option.html → input_option.html, with both templates' trailing newlines."""
    if not option["wrap_label"]:
        return render_input(option) + "\n\n"
    label_for = f' for="{_text(option["attrs"]["id"])}"' if option["attrs"].get("id") else ""
    return f"<label{label_for}>{render_input(option)} {_text(option['label'])}</label>\n\n"


def render_choice_list(widget: dict[str, Any]) -> str | None:
    """multiple_input.html; None when an option has a template of its own (then the templates render it)."""
    attrs = widget["attrs"]
    parts = ["<div"]
    if attrs.get("id"):
        parts.append(f' id="{_text(attrs["id"])}"')
    if attrs.get("class"):
        parts.append(f' class="{_text(attrs["class"])}"')
    parts.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_text(group)}</label>")
        for option in options:
            if option["template_name"] not in OPTION_TEMPLATES:
                return None
            parts.append(f"<div>\n    {render_option(option)}</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def render_textarea(widget: dict[str, Any]) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


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
        rendered: str | None = None
        if template_name == SELECT_TEMPLATE:
            rendered = render_select(context["widget"])
        elif template_name in INPUT_TEMPLATES:
            rendered = render_input(context["widget"]).strip()
        elif template_name in CHOICE_LIST_TEMPLATES:
            rendered = render_choice_list(context["widget"])
        elif template_name == TEXTAREA_TEMPLATE:
            rendered = render_textarea(context["widget"])
        if rendered is None:
            return super().render(template_name, context, request=request)
        return mark_safe(rendered)


class NamedChoiceSelect(forms.Select):
    """A <select> over a model choice field whose options are labelled by one column (`label_field`, the
    model's `__str__`): the same markup as the field's own select, built from one plain query of
    (value, label) rows instead of a model instance per option, and built only once per distinct set of rows.

    The markup cache is keyed by the rows themselves, so a renamed, added or removed row is a different key:
    it can never show an old name, in any process."""

    def __init__(self, attrs: dict[str, Any] | None = None, *, label_field: str | None = "name") -> None:
        super().__init__(attrs)
        self.label_field = (
            label_field  # None: the choices' own labels (a list, or a field's label_from_instance)
        )

    def option_rows(self) -> tuple[tuple[str, str], ...]:
        choices = self.choices
        if self.label_field is None or not isinstance(choices, ModelChoiceIterator):
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
        # Like Django's select: the first option (in order) holding a submitted value is the selected one, or
        # every such option in a multiple select.
        wanted = set(self.format_value(value))
        chosen = [option for option, _label in rows if option in wanted]
        for option in dict.fromkeys(chosen if self.allow_multiple_selected else chosen[:1]):
            plain = f'<option value="{escape(option)}">'
            options = options.replace(
                plain, plain[:-1] + " selected>", -1 if self.allow_multiple_selected else 1
            )
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        return mark_safe(f'<select name="{escape(name)}"{flatatt(final_attrs)}>{options}</select>')


class NamedChoiceSelectMultiple(NamedChoiceSelect, forms.SelectMultiple):
    """NamedChoiceSelect for a multiple choice (authors, reviewers)."""

    def __init__(self, attrs: dict[str, Any] | None = None, *, label_field: str | None = None) -> None:
        super().__init__(attrs, label_field=label_field)


@lru_cache(maxsize=64)
def _options_markup(rows: tuple[tuple[str, str], ...]) -> str:
    return "".join(
        _option({"value": value, "label": label, "selected": False, "attrs": {}}) for value, label in rows
    )
