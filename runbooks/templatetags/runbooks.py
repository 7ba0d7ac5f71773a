from django import template

from runbooks.forms import RunbookUsageForm, runbook_suggestions

register = template.Library()


@register.simple_tag(takes_context=True)
def runbook_usage_form(context):
    """The 'record a runbook' form for the incident page."""
    return context.get("runbook_usage_form") or RunbookUsageForm(auto_id="id_usage_%s")


@register.simple_tag
def suggested_runbooks(incident):
    """The datalist options beside that form (one query)."""
    return runbook_suggestions(incident)
