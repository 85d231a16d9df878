"""Bulk inserts of plain rows: hundreds of thousands of them, several times faster than bulk_create."""

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connection

INSERT_BATCH = 5000  # rows per executemany where there is no COPY


def bulk_insert(
    table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, batch_size: int = INSERT_BATCH
) -> None:
    """Insert `rows` into `table` on the default connection, inside the caller's transaction if any:
    COPY … FROM STDIN on PostgreSQL, batched executemany elsewhere (SQLite). Rows may be a generator.

    `table` and `columns` are our own names, never input: they are written into the SQL as they are.
    """
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 - our own names
        iterator = iter(rows)
        while batch := list(islice(iterator, batch_size)):
            cursor.executemany(sql, batch)
