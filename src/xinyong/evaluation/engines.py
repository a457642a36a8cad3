"""The two engines that run an evaluation expression (`expressions.expression`).

- `db`: compiled by Ibis to the platform database's SQL (SQLite or PostgreSQL) and run
  on Django's own connection, inside its transaction: one machine, no copy of the data.
- `spark`: a Parquet snapshot of the same tables (`snapshot.export`), read by PySpark in
  local mode here and on a cluster at national scale (`pip install xinyong[spark]`,
  Java 17). The expression is the same object; only the backend differs.

Both yield rows (subject_id, v0 … vn, score, grade) in subject order.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy as _

from xinyong.core.errors import InvalidInput
from xinyong.evaluation import snapshot

DIALECTS = {"sqlite": "sqlite", "postgresql": "postgres"}
Row = tuple[Any, ...]


def run_in_database(expr: ir.Table) -> Iterator[Row]:
    sql = ibis.to_sql(expr, dialect=DIALECTS[connection.vendor])
    # A server-side cursor on PostgreSQL: a million rows stream instead of arriving at once.
    with connection.chunked_cursor() as cursor:
        cursor.execute(str(sql))
        while batch := cursor.fetchmany(10_000):
            yield from batch


def run_on_spark(expr: ir.Table, folder: Path | None = None) -> Iterator[Row]:
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
