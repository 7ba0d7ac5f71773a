from django import template

from runbooks.forms import RunbookUsageForm

register = template.Library()


@register.simple_tag(takes_context=True)
def runbook_usage_form(context):
    """The 'record a runbook' form for the incident page (one query for the runbook choices)."""
    return context.get("runbook_usage_form") or RunbookUsageForm(auto_id="id_usage_%s")
