"""Loading plain tuples fast, for the scale seeder's big tables: COPY on PostgreSQL, executemany on SQLite.

No model instances, no signals, no `save()`: the caller hands over finished rows (Markdown already rendered),
names the fields they fill, and every other field gets its default, as `bulk_create` would give it.
"""

from contextlib import contextmanager, nullcontext
from itertools import islice

from django.db import connection, models, transaction
from django.utils import timezone

SQLITE_BATCH = 5_000
# Some tables' secondary indexes (not those behind a primary key, unique or exclusion constraint, and not partial
# ones: they cover few rows, and PostgreSQL would print their WHERE clause back in another spelling) and foreign
# keys, each as (how to drop it, how to create it again).
_DEFERRABLE_SCHEMA = """
    SELECT format('DROP INDEX %%I.%%I', n.nspname, i.relname), pg_get_indexdef(i.oid)
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_namespace n ON n.oid = i.relnamespace
    WHERE x.indrelid = ANY(%s::regclass[]) AND NOT x.indisunique
      AND x.indpred IS NULL
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
    UNION ALL
    SELECT format('ALTER TABLE %%s DROP CONSTRAINT %%I', c.conrelid::regclass, c.conname),
           format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s',
                  c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
    FROM pg_constraint c
    WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[])
"""


def reserve_ids(model, count):
    """`count` fresh primary keys for `model`, taken the way an INSERT takes them, so nobody else gets them.

    Call inside the transaction that inserts the rows: on SQLite the keys are the next ones after the highest
    ever used (AUTOINCREMENT), and SQLite lets one writer at a time in."""
    if count <= 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Draws from the table's own sequence, so the sequence is ahead of every key handed out.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0),"
            f" coalesce((SELECT max({quoted(column)}) FROM {quoted(table)}), 0))",
            [table],
        )
        highest = cursor.fetchone()[0]
    return list(range(highest + 1, highest + 1 + count))


@contextmanager
def loading(*models, adding):
    """One transaction for a seeder's rows. A load that at least doubles the first model's table sets the tables'
    secondary indexes and foreign keys aside and rebuilds them after (see `indexes_rebuilt_after`); a small
    top-up keeps them and pays per row instead."""
    existing = models[0]._default_manager.count()
    with transaction.atomic(), indexes_rebuilt_after(*models) if adding >= existing else nullcontext():
        yield


@contextmanager
def indexes_rebuilt_after(*models):
    """Load into `models`' tables with their secondary indexes and foreign keys set aside, then re-create them.

    On PostgreSQL, keeping a dozen indexes up to date row by row and checking every foreign key of every row at
    commit costs several times the load itself; building an index once from the whole table and validating a
    foreign key with one join costs little. The definitions are read back from the catalogue and re-created under
    the same names, so the schema ends exactly as the migrations made it; and all of it happens in the caller's
    transaction (DDL is transactional there), so a failed load leaves the schema untouched. The tables are locked
    against readers until that transaction ends: a seeding tool's price. Elsewhere: nothing changes."""
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_rebuilt_after() must run inside a transaction")
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(_DEFERRABLE_SCHEMA, [tables, tables])
        schema = cursor.fetchall()
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        # Foreign keys checked at commit cannot be altered while checks are pending: run those checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for drop, _ in reversed(schema):  # foreign keys first
            cursor.execute(drop)
    yield
    with connection.cursor() as cursor:
        for _, create in schema:
            cursor.execute(create)


def insert_rows(model, field_names, rows, now=None):
    """Insert `rows` (tuples of values for `field_names`, Python values) into `model`'s table; returns the count.

    Fields not named get their default (auto_now fields: `now`), like `bulk_create`."""
    fields = [model._meta.get_field(name) for name in field_names]
    rest = [
        field
        for field in model._meta.concrete_fields
        if field not in fields and not isinstance(field, models.AutoField)
    ]
    now = now or timezone.now()
    defaults = tuple(field.get_db_prep_save(_default(field, now), connection) for field in rest)
    quoted = connection.ops.quote_name
    table = quoted(model._meta.db_table)
    columns = ", ".join(quoted(field.column) for field in [*fields, *rest])
    if connection.vendor == "postgresql":
        return _copy(table, columns, rows, defaults)
    return _executemany(table, columns, fields, rows, defaults)


def _default(field, now):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()


def _copy(table, columns, rows, defaults):
    count = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row + defaults)
            count += 1
    return count


def _executemany(table, columns, fields, rows, defaults):
    """SQLite stores dates and times as text: convert those columns the way Django's field would."""
    adapters = [
        (i, _sqlite_adapter(field)) for i, field in enumerate(fields) if _sqlite_adapter(field) is not None
    ]
    placeholders = ", ".join(["%s"] * (len(fields) + len(defaults)))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    count = 0
    rows = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(islice(rows, SQLITE_BATCH)):
            if adapters:
                batch = [_adapted(row, adapters) for row in batch]
            cursor.executemany(sql, [row + defaults for row in batch])
            count += len(batch)
    return count


def _sqlite_adapter(field):
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


def _adapted(row, adapters):
    row = list(row)
    for i, adapt in adapters:
        row[i] = adapt(row[i])
    return tuple(row)
