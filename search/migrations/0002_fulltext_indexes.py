"""The full-text machinery each database needs, in one migration that applies on both.

PostgreSQL: a GIN index over SearchDocument.search_vector (a stored, weighted tsvector).
SQLite: an FTS5 table `search_fts` with external content from search_searchdocument, kept in sync by triggers.
"""

from django.db import migrations

from search.schema import BACKWARD, FORWARD


def run_for_vendor(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            run_for_vendor(FORWARD),
            run_for_vendor(BACKWARD),
        ),
    ]
