"""The incident list's "Title contains" box on PostgreSQL: a trigram index over the title as the filter compares it
(`UPPER(title) LIKE UPPER('%word%')`, Django's icontains), so a search reads the few matching rows instead of every
incident (a word in no title read all 100,000 rows twice, for the count and for the page). pg_trgm is a trusted
extension (PostgreSQL 13+): the database owner may create it. SQLite has no such index and needs none at its sizes.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS incident_title_trgm ON incidents_incident USING gin ((UPPER(title::text)) gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS incident_title_trgm"]


def on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("incidents", "0009_incident_open_index")]

    operations = [migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD))]
