"""The documented backup: `dumpdata` everything, load it into a clean database, and get the same data back."""

import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command
from django.utils import timezone

from incidents.models import Status, StatusUpdate
from postmortems.models import ActionItem, Postmortem
from search.models import SearchDocument

# Exactly the command the README documents. What is left out is rebuilt: content types and permissions by
# `migrate`, the search index by `rebuild_search_index`; sessions and the admin log are not worth restoring.
DUMP_OPTIONS = {
    "natural_foreign": True,
    "natural_primary": True,
    "indent": 2,
    "exclude": ["contenttypes", "auth.permission", "sessions", "admin.logentry", "search"],
}
BACKED_UP_APPS = ["auth", "incidents", "postmortems", "runbooks", "documents"]


def snapshot():
    """Every backed-up row, serialised with natural keys, in a stable order. Users and groups are identified by
    name, not by id (the backup restores them by natural key, so their ids may change; nothing refers to them by
    id)."""
    rows = []
    for app_label in BACKED_UP_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.label == "auth.Permission":
                continue  # rebuilt by migrate; groups refer to permissions by natural key
            rows.extend(
                json.loads(
                    serializers.serialize(
                        "json",
                        model._default_manager.order_by("pk"),
                        use_natural_foreign_keys=True,
                        use_natural_primary_keys=True,
                    )
                )
            )
    return sorted(
        rows, key=lambda row: (row["model"], str(row.get("pk")), json.dumps(row["fields"], sort_keys=True))
    )


@pytest.mark.django_db(transaction=True)
def test_dump_and_load_into_a_clean_database_gives_the_same_data(
    make_incident, service, category, editor, tmp_path
):
    commander = get_user_model().objects.create_user("amara", first_name="Amara")
    incident = make_incident(
        services=[service],
        categories=[category],
        timeline=3,
        commander=commander,
        title="Checkout 502s",
        summary="**Pool** too small",
    )
    StatusUpdate.objects.create(
        incident=incident,
        kind="resolution",
        visibility="public",
        status=Status.RESOLVED,
        headline="Checkout recovered",
        message="All good.",
        author=commander,
    )
    postmortem = Postmortem.objects.create(
        incident=incident, title="Checkout 502s postmortem", body="# Summary"
    )
    postmortem.body = "# Summary\n\nThe pool was too small."
    postmortem.save_revision(editor, expected_version=postmortem.version, note="second draft")
    ActionItem.objects.create(
        postmortem=postmortem, title="Raise pool size", owner=commander, due_date=timezone.localdate()
    )
    before = snapshot()
    saved_models = {row["model"] for row in before}
    assert {
        "incidents.timelineentry",
        "incidents.statusupdate",
        "documents.revision",
        "auth.group",
    } <= saved_models

    backup = tmp_path / "backup.json"
    call_command("dumpdata", output=str(backup), **DUMP_OPTIONS)
    call_command("flush", interactive=False, verbosity=0)
    assert not get_user_model().objects.exists()

    call_command("loaddata", str(backup), verbosity=0)
    call_command("rebuild_search_index", verbosity=0)
    assert snapshot() == before
    assert SearchDocument.objects.filter(title__contains="Checkout 502s").exists()
