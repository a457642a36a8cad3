"""A Parquet snapshot of the tables an evaluation reads, for engines outside the database.

Each table of `expressions` is written with exactly the columns the expression uses,
under the table's own name (`<folder>/<table>.parquet`), so the Spark engine registers
them as views and runs the very expression the database runs. Rows stream through in
batches from a server-side cursor on PostgreSQL: memory stays flat whatever the size (a
client-side cursor held all ten million records: 1.7 GB; now 330 MB). Inside a
transaction, as `runs.evaluate` calls it, PostgreSQL streams them as it reads; outside
one its cursor is WITH HOLD and the server keeps a copy of each table's rows first.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection

from xinyong.evaluation.expressions import ENTRIES, RECORDS, SUBJECTS

BATCH = 100_000
TABLES = [SUBJECTS, RECORDS, ENTRIES]


def export(folder: Path) -> dict[str, int]:
    """Write every table; {table: rows}."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in TABLES:
        name = table.get_name()
        schema = table.schema().to_pyarrow()
        columns = ", ".join(connection.ops.quote_name(column) for column in schema.names)
        rows = 0
        with (
            connection.chunked_cursor() as cursor,
            pq.ParquetWriter(folder / f"{name}.parquet", schema) as writer,
        ):
            cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(name)}")
            while batch := cursor.fetchmany(BATCH):
                arrays = [
                    pa.array(_column(batch, index, field.type), type=field.type)
                    for index, field in enumerate(schema)
                ]
                writer.write_batch(pa.record_batch(arrays, schema=schema))
                rows += len(batch)
        counts[name] = rows
    return counts


def _column(batch: list[tuple[Any, ...]], index: int, kind: Any) -> list[Any]:
    values = [row[index] for row in batch]
    if str(kind).startswith("date"):
        # SQLite hands back ISO text where no converter applies.
        return [date.fromisoformat(v) if isinstance(v, str) else v for v in values]
    return values
