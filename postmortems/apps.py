from importlib import import_module

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate

BUILT_IN_TEMPLATES_MIGRATION = "0006_builtin_postmortem_templates"


def ensure_built_in_templates(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """The built-in templates after every migrate and flush (a flush empties the table the migration filled):
    re-added by name where missing, never changed where present."""
    applied = MigrationRecorder(connections[using]).applied_migrations()
    if ("postmortems", BUILT_IN_TEMPLATES_MIGRATION) not in applied:
        return
    migration = import_module(f"postmortems.migrations.{BUILT_IN_TEMPLATES_MIGRATION}")
    migration.add_templates(sender.apps, None)


class PostmortemsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "postmortems"

    def ready(self):
        post_migrate.connect(
            ensure_built_in_templates, sender=self, dispatch_uid="postmortems-built-in-templates"
        )
