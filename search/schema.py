"""The database objects full-text search needs beyond the ORM's tables, per database vendor.

Created by migration search.0002 and re-ensured after every migrate (SQLite rebuilds a table when a later migration
alters it, which drops its triggers; everything here is IF NOT EXISTS, so re-running is harmless).
"""

POSTGRES_FORWARD = [
    "CREATE INDEX IF NOT EXISTS search_document_vector_gin ON search_searchdocument USING gin (search_vector)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS search_document_vector_gin"]

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
        title, keywords, body, content='search_searchdocument', content_rowid='id', tokenize='porter unicode61'
    )""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_after_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title, keywords, body) VALUES (new.id, new.title, new.keywords, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_after_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, keywords, body)
        VALUES ('delete', old.id, old.title, old.keywords, old.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_after_update AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, keywords, body)
        VALUES ('delete', old.id, old.title, old.keywords, old.body);
        INSERT INTO search_fts(rowid, title, keywords, body) VALUES (new.id, new.title, new.keywords, new.body);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_after_insert",
    "DROP TRIGGER IF EXISTS search_fts_after_delete",
    "DROP TRIGGER IF EXISTS search_fts_after_update",
    "DROP TABLE IF EXISTS search_fts",
]


def ensure_fulltext_schema(connection):
    if "search_searchdocument" not in connection.introspection.table_names():
        return  # migrated back before the search app; nothing to attach to
    with connection.cursor() as cursor:
        for statement in FORWARD.get(connection.vendor, []):
            cursor.execute(statement)


FORWARD = {"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}
BACKWARD = {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}
