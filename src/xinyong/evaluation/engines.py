"""The two engines that run an evaluation expression (`expressions.expression`).

- `db`: compiled by Ibis to the platform database's SQL (SQLite or PostgreSQL) and run
  on Django's own connection (`reading()`: how): one machine, no copy of the data.
- `spark`: a Parquet snapshot of the same tables (`snapshot.export`), read by PySpark in
  local mode here and on a cluster at national scale (`pip install xinyong[spark]`,
  Java 17). The expression is the same object; only the backend differs.

Both yield rows (subject_id, v0 … vn, score, grade) in subject order.
"""

from __future__ import annotations

import tempfile
from collections.abc import Generator, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import ibis
import ibis.backends.sql.compilers as compilers
import ibis.expr.types as ir
import sqlglot.expressions as sge
from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from xinyong.core.errors import InvalidInput
from xinyong.evaluation import expressions, snapshot

DIALECTS = {"sqlite": "sqlite", "postgresql": "postgres"}
Row = tuple[Any, ...]


def reading() -> AbstractContextManager[Any]:
    """The read transaction of a run: the previous run's grades, the query or the
    snapshot's tables, all from one state of the database.

    PostgreSQL: a transaction. A server-side cursor outside one is WITH HOLD, which makes
    the server materialise the whole result first, and `run_in_database`'s planner
    setting is local to it. SQLite: a DEFERRED transaction, begun on the driver's
    connection. The platform opens every Django transaction IMMEDIATE, which takes the
    write lock: imports and objections would wait for the whole query. A deferred one
    that only reads blocks no writer in WAL mode and still sees one snapshot.
    """
    if connection.vendor == "postgresql":
        return transaction.atomic()
    return _sqlite_read()


@contextmanager
def _sqlite_read() -> Iterator[None]:
    if connection.in_atomic_block:  # the caller's transaction (a test's): read in it
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    raw.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        if raw.in_transaction:
            raw.execute("ROLLBACK")  # nothing was written: this only ends the snapshot


def sql(expr: ir.Table, vendor: str) -> str:
    """The expression in the vendor's SQL; on SQLite the records pass scans the table."""
    compiler = getattr(compilers, DIALECTS[vendor]).compiler
    query = compiler.to_sqlglot(expr.unbind())
    if vendor == "sqlite":
        query = query.transform(_records_not_indexed)
    return str(query.sql(dialect=compiler.dialect))


def _records_not_indexed(node: sge.Expression) -> sge.Expression:
    """`records_creditrecord NOT INDEXED` where the records are grouped by subject.

    SQLite's planner reads the grouping in the order of the (subject, record type,
    decision date) index to save a sort, even after ANALYZE, then fetches every row
    through it: a random read per record. A full scan with a sort is faster (measured
    at 10 million records: 13 s against 53 s). Other reads of the table (a population's
    record types) keep their indexes.
    """
    if isinstance(node, sge.Select) and node.args.get("group"):
        table = _source_table(node)
        if table is not None and table.name == expressions.RECORDS.get_name():
            table.set("indexed", False)
    return node


def _source_table(select: sge.Select) -> sge.Table | None:
    """The table a select reads, through plain subqueries (Ibis puts the filter on the
    live records in one), or None when it joins."""
    while not select.args.get("joins") and (source := select.args.get("from_")) is not None:
        inner = source.this
        if isinstance(inner, sge.Table):
            return inner
        if not (isinstance(inner, sge.Subquery) and isinstance(inner.this, sge.Select)):
            return None
        select = inner.this
    return None


def run_in_database(expr: ir.Table) -> Generator[Row]:
    """Run inside `reading()`."""
    query = sql(expr, connection.vendor)
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            # A server-side cursor is planned for its first 10 % of rows
            # (cursor_tuple_fraction): the records read in subject order through the
            # (subject, record type, decision date) index, a random read each. Every row
            # is fetched, so plan for all of them: a sequential scan and a hash
            # aggregate (measured at 10 million records: 13.6 s against ~40 s). JIT
            # stays on: off, the query took as long or longer.
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1")
    # A server-side cursor on PostgreSQL: a million rows stream instead of arriving at once.
    with connection.chunked_cursor() as cursor:
        cursor.execute(query)
        while batch := cursor.fetchmany(10_000):
            yield from batch


def run_on_spark(expr: ir.Table, folder: Path | None = None) -> Generator[Row]:
    """Export the snapshot (to `folder`, or a temporary one) and run the expression."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise InvalidInput(
            "evaluation.no_spark",
            _("未安装 Spark 引擎：请安装 xinyong[spark]（需要 Java 17）"),
        ) from exc
    with tempfile.TemporaryDirectory(dir=settings.VAR_DIR) as scratch:
        where = folder or Path(scratch)
        snapshot.export(where)
        spark = session(SparkSession)
        spark.sparkContext.setLogLevel("ERROR")
        backend = ibis.pyspark.connect(spark)
        for table in snapshot.TABLES:
            name = table.get_name()
            backend.read_parquet(str(where / f"{name}.parquet"), table_name=name)
        result = backend.to_pyarrow(expr)
        for batch in result.to_batches(max_chunksize=10_000):
            yield from zip(*(column.to_pylist() for column in batch.columns), strict=True)


def session(builder_class: Any) -> Any:
    """A local Spark session that binds to loopback only and writes no UI or history."""
    return (
        builder_class.builder.master(settings.XINYONG_SPARK_MASTER)
        .appName("xinyong-evaluation")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", settings.XINYONG_SPARK_DRIVER_MEMORY)
        .getOrCreate()
    )
