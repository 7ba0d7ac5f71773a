"""Postmortem templates: chosen when a postmortem starts, filled in from the incident, copied, never linked."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from postmortems.drafting import fill_template
from postmortems.models import Postmortem, PostmortemTemplate

pytestmark = pytest.mark.django_db

BUILT_INS = import_module("postmortems.migrations.0006_builtin_postmortem_templates")


@pytest.fixture(autouse=True)
def built_in_templates(db):
    """The data migration's templates: a browser test's flush (TransactionTestCase) empties the table for the
    tests that run after it on the same worker, as a restore from a backup expects it to."""
    BUILT_INS.add_templates(django_apps, None)


def start(client, incident, template=None):
    data = {"template": template.pk} if template else {}
    return client.post(reverse("postmortems:start", args=[incident.pk]), data)


def test_the_data_migration_writes_the_built_in_templates():
    PostmortemTemplate.objects.all().delete()
    BUILT_INS.add_templates(django_apps, None)
    names = set(PostmortemTemplate.objects.values_list("name", flat=True))
    assert {"Standard", "Security incident", "Data loss", "Drill / game day"} <= names


def test_starting_without_a_choice_uses_the_standard_template(editor_client, make_incident):
    incident = make_incident(summary="The checkout pool ran dry.")
    start(editor_client, incident)
    assert "## Contributing factors" in Postmortem.objects.get(incident=incident).body


def test_the_standard_template_writes_the_incident_summary_in(editor_client, make_incident):
    incident = make_incident(summary="The checkout pool ran dry.")
    start(editor_client, incident)
    assert "## Summary\n\nThe checkout pool ran dry.\n" in Postmortem.objects.get(incident=incident).body


def test_an_empty_summary_leaves_the_hint(editor_client, make_incident):
    incident = make_incident(summary="")
    start(editor_client, incident)
    assert "_What happened, in two or three" in Postmortem.objects.get(incident=incident).body


def test_picking_a_template_fills_its_placeholders(editor_client, make_incident):
    template = PostmortemTemplate.objects.create(
        name="Short", body="# {{ incident.reference }}: {{ incident.title }}\n\n{{ timeline }}\n"
    )
    incident = make_incident(title="Checkout pool ran dry", timeline=1)
    start(editor_client, incident, template)
    body = Postmortem.objects.get(incident=incident).body
    assert body.startswith(f"# INC-{incident.pk}: Checkout pool ran dry\n\n- ")


def test_the_timeline_placeholder_lists_the_entries(make_incident):
    incident = make_incident(timeline=2)
    assert "Entry 1" in fill_template("{{ timeline }}", incident)


def test_editing_a_template_does_not_change_a_started_postmortem(editor_client, make_incident):
    template = PostmortemTemplate.objects.create(name="Short", body="## Before\n")
    incident = make_incident()
    start(editor_client, incident, template)
    template.body = "## After\n"
    template.save()
    assert Postmortem.objects.get(incident=incident).body == "## Before\n"


def test_a_severity_default_is_used_for_that_severity(editor_client, make_incident):
    PostmortemTemplate.objects.filter(name="Data loss").update(default_for_severities=[1])
    incident = make_incident(severity=1)
    start(editor_client, incident)
    assert "## Data affected" in Postmortem.objects.get(incident=incident).body


def test_other_severities_keep_the_standard_default(editor_client, make_incident):
    PostmortemTemplate.objects.filter(name="Data loss").update(default_for_severities=[1])
    incident = make_incident(severity=3)
    start(editor_client, incident)
    assert "## Data affected" not in Postmortem.objects.get(incident=incident).body


def test_the_choice_page_preselects_the_default(editor_client, make_incident):
    incident = make_incident()
    page = editor_client.get(reverse("postmortems:choose_template", args=[incident.pk]))
    assert page.context["default"].name == "Standard"


def test_the_choice_page_is_linked_from_the_incident(editor_client, make_incident):
    incident = make_incident()
    page = editor_client.get(incident.get_absolute_url())
    assert reverse("postmortems:choose_template", args=[incident.pk]) in page.content.decode()


def test_placeholders_cannot_reach_anything_else(make_incident):
    incident = make_incident()
    filled = fill_template("{{ incident.commander.password }} {% load log %}", incident)
    assert filled == "{{ incident.commander.password }} {% load log %}\n"


def test_a_template_naming_an_unknown_placeholder_is_refused():
    template = PostmortemTemplate(name="Typo", body="{{ incident.titel }}")
    with pytest.raises(ValidationError):
        template.full_clean()
