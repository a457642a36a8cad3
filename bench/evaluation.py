"""Evaluation benchmark: the `public-credit` scheme over N subjects and M records, run in
the platform's database (SQLite, PostgreSQL) and on Spark, with identical results.

`python -m bench --only evaluation [--db sqlite|postgres|both] [--subjects N]
[--records M] [--no-spark] [--spark-memory 4g]`

1. For each database a fresh state, set up as `bench.ingest` does it (SQLite: a var
   directory; PostgreSQL: a throwaway cluster): keys, migrate, the policy pack (the
   real `load_pack`, so record types, units and lists exist).
2. A child process (`python -m bench.evaluation load`) writes the data straight into
   the tables the evaluation reads, NOT through the import pipeline (that is
   `bench.ingest`'s subject): one seeded Random, so both databases get the same rows
   and the same subject ids. Bulk SQL in one transaction: `COPY … FROM STDIN`
   (PostgreSQL, foreign-key triggers off for the load with session_replication_role =
   replica) or `executemany` on the raw connection (SQLite, WAL and
   synchronous=NORMAL as the app sets them, plus a 1 GiB page cache for the load
   only); the secondary indexes of the three tables are dropped first and created again
   at the end (the constraints' indexes stay). Then ANALYZE (PostgreSQL: VACUUM
   ANALYZE). Timed separately: data setup, not what is measured.
   - N subjects: 85 % organisations, 10 % individual businesses, 5 % persons (not in
     the scheme), 90 % active; derived codes (USCC-shaped, not valid check characters).
   - M records, day by day over the last four years (oldest first, as they arrive):
     penalties 40 % (8 % of them serious; units 省工商局, 省生态环境厅 YN-STHJT, 省税务局,
     省住建厅, 省交通厅, 省卫生健康委), licences 30 % (a type the scheme ignores),
     abnormal operations 18 %, commendations 12 %; 2 % revoked, 0.5 % disputed. A skewed
     draw over 60 % of the organisations and businesses (a few have many records, 40 %
     have none); 5 % of penalties go to persons. One `records_batch` row;
     content and version hashes derived from the row number.
   - List entries on a few % of subjects, from the pack's lists: black (2 %), watch
     (3 %), red (3 %) of organisations and businesses, environmental black lists
     (0.5 %), judgment defaulters (1 % of persons); 80 % of entries in force, the rest
     expired, exited (the day before exit as `ends_on`, as `exit_entry` does) or only
     proposed, so the filters have work.
3. A child (`python -m bench.evaluation measure`) times, in this order:
   - the reference: `SELECT subject_id, count(*) FROM records_creditrecord GROUP BY
     subject_id` through Django's chunked cursor, every row fetched;
   - the bare query: `engines.run_in_database(expressions.expression(...))` in a
     transaction, every row fetched (compiling included);
   - the whole run: `runs.evaluate("public-credit", engine="db")` (query, 1M results
     stored, digest, audit event). Goal ≤ 60 s at 1M subjects / 10M records on 2 cores.
4. With `--spark` (default), a child (`python -m bench.evaluation spark`) on the first
   database's data (SQLite with `--db both`) runs `evaluate(..., engine="spark")` once:
   the real `run_on_spark`, with `snapshot.export`, `engines.session` and the Ibis
   PySpark backend's `to_pyarrow` wrapped in timers, so the snapshot export, the Spark
   session start and the Spark query are reported apart from the whole run. The run
   follows the database run of the same data, so its count of changed grades must be 0.
   Spark's driver memory: `--spark-memory` (default XINYONG_SPARK_DRIVER_MEMORY, else
   the settings' 2g).
5. The digests of every run (SQLite, PostgreSQL, Spark) must be equal: "identical: yes",
   else exit status 1. A table and var/bench/evaluation.json (under XINYONG_VAR_DIR
   when set). Peak RSS: the child process tree (Python and, for Spark, its JVM), sampled
   from /proc every 0.2 s; the PostgreSQL server's own processes are not counted.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.common import format_table
from bench.ingest import ROOT, database_env, log

DEFAULT_SUBJECTS = 1_000_000
DEFAULT_RECORDS = 10_000_000
SCHEME = "public-credit"
GOAL_SECONDS = 60.0
YEARS = 4
WRITE_CHUNK = 50_000
FETCH = 10_000
SAMPLE_SECONDS = 0.2

# Kinds of subject: share of the whole.
KINDS = (("organisation", 0.85), ("individual_business", 0.10), ("person", 0.05))
ACTIVE_SHARE, CLOSED_SHARE = 0.90, 0.07  # the rest revoked
# Records: (record type, share, [(unit, share)], serious share, categories).
RECORD_MIX = (
    (
        "penalty",
        0.40,
        (
            ("YN-GSJ", 0.40),
            ("YN-STHJT", 0.15),
            ("YN-SWJ", 0.15),
            ("YN-ZJT", 0.10),
            ("YN-JTT", 0.10),
            ("YN-WJW", 0.10),
        ),
        0.08,
        '["罚款"]',
    ),
    ("license", 0.30, (("YN-GSJ", 0.5), ("YN-ZJT", 0.3), ("YN-WJW", 0.2)), 0.0, "[]"),
    ("abnormal-operations", 0.18, (("YN-GSJ", 1.0),), 0.0, "[]"),
    ("commendation", 0.12, (("YN-FGW", 0.6), ("YN-SZF", 0.4)), 0.0, "[]"),
)
RECIPIENT_SHARE = 0.60  # of organisations and businesses: the others have no record
SKEW = 3  # index = recipients · u³: a few subjects with many records
PERSON_PENALTY_SHARE = 0.05
REVOKED_SHARE, DISPUTED_SHARE = 0.02, 0.005
# Entries: (share of subjects, candidate lists) per group, organisations and businesses.
ENTRY_GROUPS = (
    (0.02, ("judgment-defaulters", "major-tax-violators", "wage-arrears", "overload-transport")),
    (0.03, ("abnormal-operations", "cultural-market-warning", "tourism-watch")),
    (0.03, ("a-grade-taxpayers", "integrity-models")),
    (0.005, ("environmental-serious-dishonesty", "environmental-credit-poor", "eia-blacklist")),
)
PERSON_ENTRY = (0.01, ("judgment-defaulters",))
IN_FORCE_SHARE = 0.80  # of entries; the rest split between expired, exited, proposed


# --- orchestration (this process) ------------------------------------------------------


def _tree_rss_kb(root: int) -> int:
    """The resident set of a process and its descendants, from /proc (KiB)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
                total += int(handle.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
        except (OSError, IndexError, ValueError):
            continue
    return total


def child(env: dict[str, str], what: str, *args: str) -> dict[str, Any]:
    """Run `python -m bench.evaluation ARGS --result FILE`; its JSON, with the peak RSS of
    its process tree (sampled) and its wall time."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result = Path(handle.name)
    try:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.evaluation", *args, "--result", str(result)],
            env=env,
            cwd=ROOT,
        )
        peak = 0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, _tree_rss_kb(process.pid))
                stop.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        status = process.wait()
        stop.set()
        sampler.join()
        if status != 0:
            raise SystemExit(f"{what} failed with exit status {status}")
        outcome: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
        outcome["tree_peak_rss_mb"] = round(peak / 1024, 1)
        outcome["process_seconds"] = round(time.perf_counter() - started, 1)
        return outcome
    finally:
        result.unlink(missing_ok=True)


def _load(env: dict[str, str], database: str, args: argparse.Namespace, today: str) -> Any:
    log(f"{database}: generating {args.subjects:,} subjects and {args.records:,} records")
    loaded = child(
        env,
        f"{database} load",
        "load",
        "--subjects",
        str(args.subjects),
        "--records",
        str(args.records),
        "--seed",
        str(args.seed),
        "--today",
        today,
    )
    log(
        f"{database}: generated in {loaded['write_seconds']} s "
        f"(+ {loaded['analyse_seconds']} s ANALYZE); {loaded['entries']:,} list entries"
    )
    return loaded


def _measure(env: dict[str, str], database: str, today: str) -> dict[str, Any]:
    log(f"{database}: reference GROUP BY, bare query, evaluate(engine='db')")
    measured = child(env, f"{database} measure", "measure", "--today", today)
    log(
        f"{database}: evaluate {measured['evaluate']['seconds']} s, bare query "
        f"{measured['query']['seconds']} s, reference {measured['reference']['seconds']} s"
    )
    return measured


def _spark(env: dict[str, str], database: str, today: str, memory: str) -> dict[str, Any]:
    log(f"spark on the {database} data: evaluate(engine='spark'), driver memory {memory}")
    env = {**env, "XINYONG_SPARK_DRIVER_MEMORY": memory}
    measured = child(env, "spark", "spark", "--today", today)
    measured["database"] = database
    log(
        f"spark: evaluate {measured['seconds']} s (export {measured['export_seconds']} s, "
        f"Spark query {measured['query_seconds']} s)"
    )
    return measured


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f} s"


def _ratio(measured: dict[str, Any]) -> float:
    return float(measured["evaluate"]["seconds"]) / max(measured["reference"]["seconds"], 1e-3)


def table(results: list[dict[str, Any]], spark: dict[str, Any] | None) -> str:
    """One column per engine, one line per figure."""
    columns = [r["database"] for r in results]
    if spark is not None:
        columns.append(f"spark ({spark['database']} data)")
    lines: list[tuple[str, ...]] = [("", *columns)]

    def line(label: str, values: list[str], spark_value: str = "-") -> None:
        lines.append((label, *values, *([spark_value] if spark is not None else [])))

    line(
        "generation (setup)",
        [_seconds(r["load"]["write_seconds"]) for r in results],
        "-",
    )
    line(
        f"evaluate {SCHEME} (whole run)",
        [_seconds(r["measure"]["evaluate"]["seconds"]) for r in results],
        _seconds(spark["seconds"]) if spark else "-",
    )
    line(
        "  goal ≤ 60 s",
        [
            "met" if r["measure"]["evaluate"]["seconds"] <= GOAL_SECONDS else "MISSED"
            for r in results
        ],
        "",
    )
    line(
        "query alone (db: bare; Spark query)",
        [_seconds(r["measure"]["query"]["seconds"]) for r in results],
        _seconds(spark["query_seconds"]) if spark else "-",
    )
    line(
        "  snapshot export",
        ["-" for _ in results],
        _seconds(spark["export_seconds"]) if spark else "-",
    )
    line(
        "  Spark session start",
        ["-" for _ in results],
        _seconds(spark["session_seconds"]) if spark else "-",
    )
    line(
        "rest: storing results, digest …",
        [
            _seconds(r["measure"]["evaluate"]["seconds"] - r["measure"]["query"]["seconds"])
            for r in results
        ],
        _seconds(spark["rest_seconds"]) if spark else "-",
    )
    line(
        "reference: GROUP BY subject_id",
        [_seconds(r["measure"]["reference"]["seconds"]) for r in results],
        "-",
    )
    line(
        "evaluate / reference",
        [f"{_ratio(r['measure']):.1f}×" for r in results],
        "-",
    )
    line(
        "subjects evaluated",
        [f"{r['measure']['evaluate']['subjects']:,}" for r in results],
        f"{spark['subjects']:,}" if spark else "-",
    )
    line(
        "grades changed vs previous run",
        [str(r["measure"]["evaluate"]["changed"]) for r in results],
        str(spark["changed"]) if spark else "-",
    )
    line(
        "peak RSS MB (process tree)",
        [f"{r['measure']['tree_peak_rss_mb']:,.0f}" for r in results],
        f"{spark['tree_peak_rss_mb']:,.0f}" if spark else "-",
    )
    line(
        "digest",
        [r["measure"]["evaluate"]["digest"][:16] for r in results],
        spark["digest"][:16] if spark else "-",
    )
    return format_table(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # --subjects (default 1,000,000), --db, --seed, --keep and --settings are shared with
    # the other benchmarks (bench.search, bench.ingest).
    parser.add_argument(
        "--records",
        type=int,
        default=DEFAULT_RECORDS,
        help=f"credit records to generate for the evaluation (default {DEFAULT_RECORDS:,})",
    )
    parser.add_argument(
        "--spark",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run the evaluation on Spark in local mode (default: yes)",
    )
    parser.add_argument(
        "--spark-memory",
        default=os.environ.get("XINYONG_SPARK_DRIVER_MEMORY") or "2g",
        help="Spark driver memory for the evaluation (default XINYONG_SPARK_DRIVER_MEMORY "
        "or 2g, the settings' default)",
    )


def main(args: argparse.Namespace) -> int:
    if args.subjects < 1 or args.records < 0:
        raise SystemExit("--subjects must be at least 1 and --records at least 0")
    out_dir = Path(os.environ.get("XINYONG_VAR_DIR") or ROOT / "var") / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="xinyong-bench-"))
    databases = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    log(
        f"evaluation: {args.subjects:,} subjects, {args.records:,} records on "
        f"{', '.join(databases)}{' and Spark' if args.spark else ''}; work directory {work}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    from datetime import datetime
    from zoneinfo import ZoneInfo

    # The evaluation day of every run, and the day the generated dates count back from.
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    results: list[dict[str, Any]] = []
    spark: dict[str, Any] | None = None
    load_averages = [os.getloadavg()[0]]
    try:
        for database in databases:
            with database_env(work, database, args.settings) as env:
                loaded = _load(env, database, args, today)
                load_averages.append(os.getloadavg()[0])
                measured = _measure(env, database, today)
                load_averages.append(os.getloadavg()[0])
                results.append({"database": database, "load": loaded, "measure": measured})
                if args.spark and spark is None:
                    spark = _spark(env, database, today, args.spark_memory)
                    load_averages.append(os.getloadavg()[0])
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    digests = {r["database"]: r["measure"]["evaluate"]["digest"] for r in results}
    if spark is not None:
        digests["spark"] = spark["digest"]
    identical = len(set(digests.values())) == 1 and all(
        r["measure"]["evaluate"]["changed"] == 0 for r in results
    )
    if spark is not None:
        identical = identical and spark["changed"] == 0
    report = {
        "benchmark": "evaluation",
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "scheme": SCHEME,
        "today": today,
        "subjects": args.subjects,
        "records": args.records,
        "seed": args.seed,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "load_averages": [round(value, 2) for value in load_averages],
        "settings": args.settings,
        "spark_driver_memory": spark["driver_memory"] if spark else None,
        "results": results,
        "spark": spark,
        "digests": digests,
        "identical": identical,
    }
    target = out_dir / "evaluation.json"
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    first = results[0]["load"]
    print(
        f"\nevaluation: scheme {SCHEME} on {today}, {first['subjects']:,} subjects "
        f"({first['in_scheme']:,} organisations and businesses), {first['records']:,} records, "
        f"{first['entries']:,} list entries; {os.cpu_count()} cores, load average "
        f"{min(load_averages):.2f}–{max(load_averages):.2f} during the run"
    )
    print(
        "data generated straight into the tables the evaluation reads (bulk SQL), "
        "not through the import pipeline; generation is setup, not measured:"
    )
    for r in results:
        loaded = r["load"]
        print(
            f"  {r['database']}: {loaded['write_seconds']} s "
            f"({loaded['records'] / max(loaded['write_seconds'], 1e-9):,.0f} records/s) "
            f"+ {loaded['analyse_seconds']} s ANALYZE"
        )
    if spark is not None:
        print(
            f"spark: local mode {spark['master']}, driver memory {spark['driver_memory']}; "
            f"snapshot {spark['snapshot_rows']}"
        )
    print(table(results, spark))
    for r in results:
        print(
            f"grades ({r['database']} {r['measure']['version']}): "
            f"{r['measure']['evaluate']['grades']}"
        )
    print("digests: " + ", ".join(f"{name} {digest}" for name, digest in digests.items()))
    print(f"identical: {'yes' if identical else 'no'}")
    print(f"\nresults: {target}")
    return 0 if identical else 1


# --- loading (child process, Django set up) ----------------------------------------------


def _stamp_format(vendor: str) -> str:
    # How Django stores an aware UTC datetime: naive text on SQLite, timestamptz here.
    return "{} 02:00:00" if vendor == "sqlite" else "{} 02:00:00+00:00"


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of a table's indexes that back no constraint."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [table],
            )
        return list(cursor.fetchall())


@contextmanager
def _bulk_load(*tables: str) -> Iterator[None]:
    """A transaction for a bulk load: the tables' secondary indexes dropped and created
    again afterwards (one sort instead of millions of random index inserts); on
    PostgreSQL the foreign-key triggers off for the transaction (session_replication_role
    = replica: the generated rows reference existing rows by construction)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:  # the load only; the measuring processes use the default page cache
            cursor.execute("PRAGMA cache_size=-1048576")
        indexes = [index for table in tables for index in _secondary_indexes(table)]
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield
        started = time.perf_counter()
        for _name, sql in indexes:
            cursor.execute(sql)
        log(f"{len(indexes)} indexes created again in {time.perf_counter() - started:.1f} s")


def _insert(table: str, columns: tuple[str, ...], rows: Any) -> int:
    """Bulk rows into a table inside the current transaction: COPY (PostgreSQL) or
    executemany on the raw sqlite3 connection in chunks."""
    from django.db import connection

    quoted = connection.ops.quote_name(table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {quoted} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    sql = f"INSERT INTO {quoted} ({names}) VALUES ({', '.join('?' * len(columns))})"
    raw = connection.connection
    while chunk := [row for _, row in zip(range(WRITE_CHUNK), rows, strict=False)]:
        raw.executemany(sql, chunk)
        count += len(chunk)
    return count


SUBJECT_COLUMNS = (
    "id",
    "public_id",
    "kind",
    "name",
    "uscc",
    "id_number_enc",
    "id_number_index",
    "id_number_masked",
    "region_id",
    "legal_representative",
    "status",
    "created_at",
    "updated_at",
)
ENTRY_COLUMNS = (
    "reference",
    "credit_list_id",
    "subject_id",
    "unit_id",
    "status",
    "origin",
    "origin_ref",
    "ground",
    "reasons",
    "document_number",
    "proposed_at",
    "defence",
    "decided_on",
    "starts_on",
    "ends_on",
    "published_at",
    "exited_on",
    "exit_reason",
    "updated_at",
    "disputed",
)
RECORD_COLUMNS = (
    "subject_id",
    "record_type_id",
    "unit_id",
    "document_number",
    "decision_date",
    "categories",
    "severity",
    "status",
    "payload",
    "sealed",
    "content_hash",
    "version",
    "version_hash",
    "received_at",
    "batch_id",
    "withheld",
)


class Generator:
    """Every row from one seeded Random, in a fixed order: the same arguments give the
    same rows in every database."""

    def __init__(self, subjects: int, records: int, seed: int, today: date, vendor: str):
        import random

        from xinyong.lists.models import CreditList
        from xinyong.records.models import RecordType
        from xinyong.subjects.models import Region, Subject, Unit

        self.rng = random.Random(seed)
        self.subjects, self.records, self.today = subjects, records, today
        self.stamp = _stamp_format(vendor)
        self.sqlite = vendor == "sqlite"
        self.first_id = (
            Subject.objects.order_by("-id").values_list("id", flat=True).first() or 0
        ) + 1
        self.regions = list(
            Region.objects.filter(level=Region.Level.COUNTY)
            .order_by("code")
            .values_list("code", flat=True)
        )
        self.types = dict(RecordType.objects.values_list("code", "pk"))
        self.units = dict(Unit.objects.values_list("code", "pk"))
        self.lists = {
            code: (pk, owner)
            for code, pk, owner in CreditList.objects.values_list("code", "pk", "owner_id")
        }
        self.kinds: list[str] = []

    def subject_rows(self) -> Any:
        rng, kinds = self.rng, self.kinds
        thresholds = [KINDS[0][1], KINDS[0][1] + KINDS[1][1]]
        created = self.stamp.format(self.today - timedelta(days=YEARS * 366 + 30))
        regions = self.regions
        for number in range(self.subjects):
            pk = self.first_id + number
            roll = rng.random()
            kind = (
                "organisation"
                if roll < thresholds[0]
                else "individual_business"
                if roll < thresholds[1]
                else "person"
            )
            kinds.append(kind)
            region = regions[int(rng.random() * len(regions))]
            roll = rng.random()
            status = (
                "active"
                if roll < ACTIVE_SHARE
                else "closed"
                if roll < ACTIVE_SHARE + CLOSED_SHARE
                else "revoked"
            )
            if kind == "person":
                name, uscc = f"基准人员{pk}", None
                index, masked, sealed = f"{pk:064x}", f"{region}********{pk % 10000:04d}", "bench"
            else:
                prefix = "91" if kind == "organisation" else "92"
                name = f"基准{pk}{'有限公司' if kind == 'organisation' else '商行'}"
                uscc, index, masked, sealed = f"{prefix}{region}{pk:010d}", None, "", ""
            yield (
                pk,
                f"EV{pk:012d}",
                kind,
                name,
                uscc,
                sealed,
                index,
                masked,
                region,
                "",
                status,
                created,
                created,
            )

    def entry_rows(self) -> Any:
        rng, today, stamp = self.rng, self.today, self.stamp
        made = 0
        for offset, kind in enumerate(self.kinds):
            pk = self.first_id + offset
            groups = (PERSON_ENTRY,) if kind == "person" else ENTRY_GROUPS
            for share, codes in groups:
                if rng.random() >= share:
                    continue
                code = codes[int(rng.random() * len(codes))]
                list_id, owner = self.lists[code]
                made += 1
                starts = today - timedelta(days=1 + int(rng.random() * 3 * 365))
                ends: date | None = (
                    None if rng.random() < 0.4 else today + timedelta(days=int(rng.random() * 1000))
                )
                status, exited, reason, published = "published", None, "", stamp.format(starts)
                roll = rng.random()
                if roll >= IN_FORCE_SHARE:
                    third = (1 - IN_FORCE_SHARE) / 3
                    if roll < IN_FORCE_SHARE + third:  # expired, the daily job not yet run
                        ends = today - timedelta(days=1 + int(rng.random() * 300))
                        starts = min(starts, ends)
                    elif roll < IN_FORCE_SHARE + 2 * third:  # exited: term ends the day before
                        exited = today - timedelta(days=int(rng.random() * 200))
                        starts = min(starts, exited - timedelta(days=1))
                        ends = exited - timedelta(days=1)
                        status, reason = "exited", "repaired"
                    else:  # only proposed: not in force
                        status, published = "proposed", None
                elif rng.random() < 0.2:
                    status, published = "listed", None
                decided = None if status == "proposed" else starts.isoformat()
                yield (
                    f"EV{made:012X}",
                    list_id,
                    pk,
                    owner,
                    status,
                    "import",
                    "bench",
                    "",
                    f"基准测试数据（{code}）",
                    f"基准名单〔{starts.year}〕{made}号",
                    stamp.format(starts),
                    "",
                    decided,
                    decided,
                    ends.isoformat() if ends and decided else None,
                    published,
                    exited.isoformat() if exited else None,
                    reason,
                    stamp.format(today),
                    False,
                )

    def record_rows(self, batch: int) -> Any:
        rng, stamp = self.rng, self.stamp
        pools: dict[str, list[int]] = {"person": [], "other": []}
        for offset, kind in enumerate(self.kinds):
            pools["person" if kind == "person" else "other"].append(self.first_id + offset)
        others, persons = pools["other"], pools["person"]
        rng.shuffle(others)
        recipients = max(1, int(len(others) * RECIPIENT_SHARE))
        # (type id, unit id, severity, categories, document prefix, is penalty), weighted.
        combos: list[tuple[Any, ...]] = []
        weights: list[float] = []
        for code, share, units, serious, categories in RECORD_MIX:
            for unit, unit_share in units:
                for severity, severity_share in (("general", 1 - serious), ("serious", serious)):
                    if severity_share <= 0:
                        continue
                    combos.append(
                        (
                            self.types[code],
                            self.units[unit],
                            severity,
                            categories,
                            f"基准{unit[3:]}{code[:3]}",
                            code == "penalty",
                        )
                    )
                    weights.append(share * unit_share * severity_share)
        cumulative = []
        total = 0.0
        for weight in weights:
            total += weight
            cumulative.append(total)
        days = YEARS * 365 + 1
        first = self.today - timedelta(days=days - 1)
        per_day, extra = divmod(self.records, days)
        number = 0
        random_ = rng.random
        for day in range(days):
            decided = first + timedelta(days=day)
            iso, year = decided.isoformat(), decided.year
            received = stamp.format(decided + timedelta(days=1))
            for _ in range(per_day + (1 if day < extra else 0)):
                number += 1
                type_id, unit_id, severity, categories, prefix, penalty = combos[
                    bisect.bisect(cumulative, random_() * total)
                ]
                if penalty and persons and random_() < PERSON_PENALTY_SHARE:
                    subject = persons[int(random_() * len(persons))]
                else:
                    subject = others[int(recipients * random_() ** SKEW)]
                roll = random_()
                status = (
                    "revoked"
                    if roll < REVOKED_SHARE
                    else "disputed"
                    if roll < REVOKED_SHARE + DISPUTED_SHARE
                    else "normal"
                )
                digest = f"{number:064x}"
                yield (
                    subject,
                    type_id,
                    unit_id,
                    f"{prefix}〔{year}〕{number:09d}号",
                    iso,
                    categories,
                    severity,
                    status,
                    "{}",
                    "{}",
                    digest,
                    1,
                    digest,
                    received,
                    batch,
                    "",
                )


def load(subjects: int, records: int, seed: int, today: date) -> dict[str, Any]:
    from django.db import connection

    from xinyong.lists.models import ListEntry
    from xinyong.records.models import Batch, CreditRecord, RecordType
    from xinyong.subjects.models import Subject, Unit

    generator = Generator(subjects, records, seed, today, connection.vendor)
    tables = [Subject._meta.db_table, ListEntry._meta.db_table, CreditRecord._meta.db_table]
    started = time.perf_counter()
    with _bulk_load(*tables):
        written = _insert(Subject._meta.db_table, SUBJECT_COLUMNS, generator.subject_rows())
        log(f"{written:,} subjects in {time.perf_counter() - started:.1f} s")
        entries = _insert(ListEntry._meta.db_table, ENTRY_COLUMNS, generator.entry_rows())
        batch = Batch.objects.create(
            unit=Unit.objects.get(code="YN-GSJ"),
            record_type=RecordType.objects.get(code="penalty"),
            source=Batch.Source.CLI,
            status=Batch.Status.DONE,
            actor="cli:bench",
        )
        mark = time.perf_counter()
        count = _insert(
            CreditRecord._meta.db_table, RECORD_COLUMNS, generator.record_rows(batch.pk)
        )
        log(f"{count:,} records in {time.perf_counter() - mark:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM "
                    f"{connection.ops.quote_name(Subject._meta.db_table)}))",
                    [Subject._meta.db_table],
                )
    written_at = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    in_scheme = sum(1 for kind in generator.kinds if kind != "person")
    return {
        "subjects": written,
        "in_scheme": in_scheme,
        "entries": entries,
        "records": count,
        "write_seconds": round(written_at - started, 1),
        "analyse_seconds": round(time.perf_counter() - written_at, 1),
        "peak_rss_mb": _peak_rss_mb(),
    }


# --- measuring (child process, Django set up) ---------------------------------------------


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _reference() -> dict[str, Any]:
    from django.db import connection, transaction

    started = time.perf_counter()
    rows = 0
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute("SELECT subject_id, count(*) FROM records_creditrecord GROUP BY subject_id")
        while batch := cursor.fetchmany(FETCH):
            rows += len(batch)
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "rows": rows,
        "rss_mb": _peak_rss_mb(),
    }


def _bare_query(today: date) -> dict[str, Any]:
    from django.db import transaction

    from xinyong.evaluation import engines, expressions, runs

    started = time.perf_counter()
    _rule, scheme = runs.find_scheme(SCHEME, today)
    rows = 0
    with transaction.atomic():
        for _row in engines.run_in_database(
            expressions.expression(scheme, today, expressions.Ids.load())
        ):
            rows += 1
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "rows": rows,
        "rss_mb": _peak_rss_mb(),
    }


def _run(engine: str, today: date) -> dict[str, Any]:
    from xinyong.core.audit import Actor
    from xinyong.evaluation.runs import evaluate

    started = time.perf_counter()
    run = evaluate(SCHEME, actor=Actor("cli:bench"), engine=engine, today=today)
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "run": run.number,
        "subjects": run.subjects,
        "grades": dict(sorted(run.grades.items())),
        "changed": run.changed,
        "digest": run.digest,
        "rss_mb": _peak_rss_mb(),
    }


def measure(today: date) -> dict[str, Any]:
    from django.db import connection

    reference = _reference()
    log(f"reference GROUP BY: {reference['seconds']} s, {reference['rows']:,} rows")
    query = _bare_query(today)
    log(f"bare query: {query['seconds']} s, {query['rows']:,} rows")
    run = _run("db", today)
    log(f"evaluate(engine='db'): {run['seconds']} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            (version,) = cursor.fetchone()
    else:
        version = connection.Database.sqlite_version
    return {
        "vendor": connection.vendor,
        "version": version,
        "reference": reference,
        "query": query,
        "evaluate": run,
        "peak_rss_mb": _peak_rss_mb(),
    }


def spark(today: date) -> dict[str, Any]:
    """evaluate(engine='spark') with the phases of run_on_spark timed by wrapping the
    functions it calls."""
    from django.conf import settings
    from ibis.backends.pyspark import Backend

    from xinyong.evaluation import engines, snapshot

    timings: dict[str, float] = {}
    counts: dict[str, int] = {}

    def timed(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    export = snapshot.export

    def export_and_count(folder: Path) -> dict[str, int]:
        counted = export(folder)
        counts.update(counted)
        return counted

    snapshot.export = timed("export", export_and_count)  # type: ignore[assignment]
    engines.session = timed("session", engines.session)  # type: ignore[assignment]
    Backend.read_parquet = timed("register", Backend.read_parquet)  # type: ignore[method-assign]
    Backend.to_pyarrow = timed("query", Backend.to_pyarrow)  # type: ignore[method-assign]
    run = _run("spark", today)
    log(f"evaluate(engine='spark'): {run['seconds']} s; phases {timings}")
    try:
        from pyspark.sql import SparkSession

        active = SparkSession.getActiveSession()
        if active is not None:
            active.stop()
    except Exception:  # only tidying up
        pass
    query = timings.get("query", 0.0) + timings.get("register", 0.0)
    return {
        **run,
        "export_seconds": round(timings.get("export", 0.0), 2),
        "session_seconds": round(timings.get("session", 0.0), 2),
        "query_seconds": round(query, 2),
        "rest_seconds": round(
            run["seconds"] - query - timings.get("export", 0.0) - timings.get("session", 0.0), 2
        ),
        "snapshot_rows": counts,
        "driver_memory": settings.XINYONG_SPARK_DRIVER_MEMORY,
        "master": settings.XINYONG_SPARK_MASTER,
        "children_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
    }


# --- child entry points -----------------------------------------------------------------


def _child_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.evaluation")
    sub = parser.add_subparsers(dest="action", required=True)
    loader = sub.add_parser("load", help="generate subjects, list entries and records")
    loader.add_argument("--subjects", type=int, required=True)
    loader.add_argument("--records", type=int, required=True)
    loader.add_argument("--seed", type=int, default=2019)
    measurer = sub.add_parser("measure", help="reference, bare query and evaluate(engine='db')")
    sparker = sub.add_parser("spark", help="evaluate(engine='spark') with its phases timed")
    for sub_parser in (loader, measurer, sparker):
        sub_parser.add_argument("--today", type=date.fromisoformat, required=True)
        sub_parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
    import django

    django.setup()
    if args.action == "load":
        outcome = load(args.subjects, args.records, args.seed, args.today)
    elif args.action == "measure":
        outcome = measure(args.today)
    else:
        outcome = spark(args.today)
    args.result.write_text(json.dumps(outcome, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
