"""The built-in postmortem templates. Their text is frozen here: editing them later is done in the admin."""

from django.db import migrations

COMMON_TAIL = """## What went well

## What went badly

## Where we got lucky

## Action items

_Tracked below this editor, each with an owner and a due date._
"""

TIMELINE = """## Timeline

All times {{ timezone }}.

{{ timeline }}
"""

STANDARD = (
    """## Summary

{{ incident.summary|default:"_What happened, in two or three sentences a newcomer would understand._" }}

## Impact

{{ incident.customer_impact|default:"_Who was affected, how, and for how long. Numbers where you have them._" }}

"""
    + TIMELINE
    + """
## Contributing factors

_What about the system, tooling and process allowed this to happen? (Not who.)_

"""
    + COMMON_TAIL
)

SECURITY = (
    """## Summary

{{ incident.summary|default:"_What happened, in two or three sentences a newcomer would understand._" }}

## Exposure

_What could an attacker reach, for how long, and what did they reach? Which data, which systems, whose accounts?_

## Detection and containment

_How we learned of it ({{ incident.detection_source }}), and what closed the door: revoked keys, rotated secrets,
blocked addresses, patched systems._

## Notification duties

_Customers, regulators, partners: who must be told, by when, and who owns telling them._

"""
    + TIMELINE
    + """
## Contributing factors

_What about the system, tooling and process allowed this? (Not who.)_

"""
    + COMMON_TAIL
)

DATA_LOSS = (
    """## Summary

{{ incident.summary|default:"_What happened, in two or three sentences a newcomer would understand._" }}

## Data affected

_Which data, how many records or customers, which time window. What was lost for good, what was restored._

## Recovery

_Backups and replicas used, how long a restore took, what was verified afterwards and how._

## Impact

{{ incident.customer_impact|default:"_Who was affected, how, and for how long. Numbers where you have them._" }}

"""
    + TIMELINE
    + """
## Contributing factors

_What about the system, tooling and process allowed this? Were backups tested? (Not who.)_

"""
    + COMMON_TAIL
)

DRILL = (
    """## Scenario

_What was simulated ({{ incident.title }}), on which services ({{ incident.services }}), and what we wanted to learn._

## Expectations

_What the runbooks and dashboards said should happen._

## What happened

{{ incident.summary|default:"_What actually happened, compared with the expectations._" }}

"""
    + TIMELINE
    + """
## Gaps found

_Runbooks, alerts, access or tooling that did not work as written._

"""
    + COMMON_TAIL
)

TEMPLATES = [
    ("Standard", "The default: summary, impact, timeline, contributing factors, lessons.", STANDARD, True, []),
    (
        "Security incident",
        "Exposure, containment and who must be notified.",
        SECURITY,
        False,
        [],
    ),
    ("Data loss", "What was lost or restored, and how recovery went.", DATA_LOSS, False, []),
    ("Drill / game day", "A practice run: the scenario, what we expected, the gaps found.", DRILL, False, []),
]


def add_templates(apps, schema_editor):
    PostmortemTemplate = apps.get_model("postmortems", "PostmortemTemplate")
    for name, description, body, is_default, severities in TEMPLATES:
        PostmortemTemplate.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "body": body,
                "is_default": is_default,
                "default_for_severities": severities,
            },
        )


def remove_templates(apps, schema_editor):
    apps.get_model("postmortems", "PostmortemTemplate").objects.filter(
        name__in=[name for name, *_ in TEMPLATES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("postmortems", "0005_postmortem_templates")]

    operations = [migrations.RunPython(add_templates, remove_templates)]
