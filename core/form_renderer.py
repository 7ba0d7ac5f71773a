"""The site's form renderer: Django's, except that <select> is built in Python.

Rendering a select through templates costs several microseconds per <option>; with 500 services or 1,000
people in a list that becomes most of a page's time. The markup is the same as Django's select.html.
"""

from typing import Any

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
