"""Ingestion benchmark: a generated penalty file through the real import pipeline.

`python -m bench --only ingest [--rows N] [--db sqlite|postgres|both]`

1. A fresh SQLite var directory gets `xinyong keys init`, `migrate` and `policy load
   policies/yunnan-2019`; a child process with Django then streams N penalty rows (the
   2019 national format, Chinese or CF_* headers) into a CSV file: subjects from
   `generate_subjects` (about 8 % persons with ID numbers), about 0.3 subjects per row so
   that a subject has several penalties, decision dates 2021 up to yesterday, document
   numbers like 昆市监罚〔2024〕1234号 unique per row, about 1 % bad rows (masked USCC,
   decision date in the future) so rejection is exercised.
2. For each database, in a fresh state (SQLite: that var directory; PostgreSQL: a
   throwaway cluster with its own var directory, set up the same way):
   - the raw reference: the same CSV read with the csv module and loaded into a plain
     table of TEXT columns (SQLite: `executemany` in one transaction with the app's
     pragmas, WAL and synchronous=NORMAL; PostgreSQL: `COPY … FROM STDIN`). The timing
     covers CSV parsing and loading, not connecting or creating the table;
   - `import_file` in a child process (`python -m bench.ingest import`): full
     validation, subjects, natural-key matching and hash-chained versions. The timing
     covers the `import_file` call (storing the file, reading, validating, writing),
     not starting Python and Django; the child's peak RSS is its own `ru_maxrss`;
   - the same file imported a second time: every row unchanged (or rejected again).
3. A table and var/bench/ingest.json (under XINYONG_VAR_DIR when set).

Progress goes to stderr. `--profile` runs the first import under cProfile and prints
where the time goes per row (µs); `--keep` keeps the temporary directory.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.common import format_table
from xinyong.records.demo import PROGRESS_SECONDS, generate  # shared with `xinyong demo-records`

ROOT = Path(__file__).resolve().parent.parent
POLICY_DIR = ROOT / "policies" / "yunnan-2019"
RECORD_TYPE = "penalty"
# A government unit that may report penalties: the market regulator of the 2019 pack.
UNIT = "YN-GSJ"
DEFAULT_ROWS = 1_000_000
RAW_TABLE = "bench_raw"


def log(message: str) -> None:
    # UTC: Django sets TZ in the child processes, and their lines interleave with ours.
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S', time.gmtime())}Z] {message}\n")
    sys.stderr.flush()


# --- the import (child process, Django set up) -------------------------------------------


def _progress(label: str) -> Callable[[int], None]:
    started = last = time.perf_counter()

    def show(done: int) -> None:
        nonlocal last
        now = time.perf_counter()
        if now - last >= PROGRESS_SECONDS:
            last = now
            log(
                f"{label}: {done:,} rows, {done / (now - started):,.0f} rows/s, "
                f"RSS peak {_peak_rss_mb():,.0f} MB"
            )

    return show


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_import(path: Path, label: str, profile: Path | None) -> dict[str, Any]:
    from django.db import connection

    from xinyong.core.audit import Actor
    from xinyong.records.imports import find_record_type, import_file
    from xinyong.records.models import CreditRecord, RecordVersion
    from xinyong.subjects.models import Subject
    from xinyong.subjects.services import find_unit

    record_type = find_record_type(RECORD_TYPE)
    unit = find_unit(UNIT)
    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    result = import_file(path, record_type, unit, Actor("cli:bench"), progress=_progress(label))
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - started
    total = result.accepted + result.updated + result.unchanged + result.rejected
    outcome = {
        "seconds": round(seconds, 3),
        "rows": total,
        "rows_per_s": round(total / seconds, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "accepted": result.accepted,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
        "errors": dict(Counter(error.code for error in result.errors).most_common()),
        "database": {
            "vendor": connection.vendor,
            "subjects": Subject.objects.count(),
            "records": CreditRecord.objects.count(),
            "versions": RecordVersion.objects.count(),
        },
    }
    if profiler is not None and profile is not None:
        profiler.dump_stats(profile)
        outcome["profile"] = str(profile)
        outcome["profile_top"] = profile_summary(profile, total)
    return outcome


def profile_summary(path: Path, rows: int, limit: int = 30) -> list[dict[str, Any]]:
    """The functions with the most own time, in µs per imported row."""
    import pstats

    stats = pstats.Stats(str(path))
    entries = []
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, line, name), (_cc, calls, own, cumulative, _callers) in raw.items():
        where = filename.replace(str(ROOT / "src") + "/", "")
        where = where.split("site-packages/")[-1]
        entries.append(
            {
                "function": f"{where}:{line}({name})",
                "calls": calls,
                "own_us_per_row": own * 1e6 / max(rows, 1),
                "cum_us_per_row": cumulative * 1e6 / max(rows, 1),
            }
        )
    entries.sort(key=lambda e: e["own_us_per_row"], reverse=True)
    return [
        {
            **e,
            "own_us_per_row": round(e["own_us_per_row"], 2),
            "cum_us_per_row": round(e["cum_us_per_row"], 2),
        }
        for e in entries[:limit]
    ]


# --- the raw references (this process) ------------------------------------------------


def _csv_rows(path: Path) -> tuple[list[str], Iterator[list[str]], Any]:
    handle = path.open(encoding="utf-8", newline="")
    reader = csv.reader(handle)
    return next(reader), reader, handle


def _raw_columns(width: int) -> list[str]:
    return [f"c{i}" for i in range(width)]


def raw_sqlite(csv_path: Path, database: Path) -> dict[str, Any]:
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        header, reader, handle = _csv_rows(csv_path)
        columns = _raw_columns(len(header))
        connection.execute(f"CREATE TABLE {RAW_TABLE} ({', '.join(c + ' TEXT' for c in columns)})")
        placeholders = ", ".join("?" * len(columns))
        started = time.perf_counter()
        with handle:
            connection.execute("BEGIN")
            connection.executemany(f"INSERT INTO {RAW_TABLE} VALUES ({placeholders})", reader)
            connection.execute("COMMIT")
        seconds = time.perf_counter() - started
        (rows,) = connection.execute(f"SELECT count(*) FROM {RAW_TABLE}").fetchone()
    finally:
        connection.close()
    return {"seconds": round(seconds, 3), "rows": rows, "rows_per_s": round(rows / seconds, 1)}


def raw_postgres(csv_path: Path, conninfo: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(conninfo) as connection:
        header, reader, handle = _csv_rows(csv_path)
        columns = _raw_columns(len(header))
        connection.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
        connection.execute(f"CREATE TABLE {RAW_TABLE} ({', '.join(c + ' text' for c in columns)})")
        connection.commit()
        started = time.perf_counter()
        with handle, connection.cursor() as cursor:
            with cursor.copy(f"COPY {RAW_TABLE} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in reader:
                    copy.write_row(row)
            connection.commit()
        seconds = time.perf_counter() - started
        row = connection.execute(f"SELECT count(*) FROM {RAW_TABLE}").fetchone()
        rows = row[0] if row else 0
        connection.execute(f"DROP TABLE {RAW_TABLE}")
        connection.commit()
    return {"seconds": round(seconds, 3), "rows": rows, "rows_per_s": round(rows / seconds, 1)}


# --- orchestration ---------------------------------------------------------------------


def _child_env(var_dir: Path, database_url: str | None, settings: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XINYONG_", "DJANGO_", "PYTHONPATH"))
    }
    env["XINYONG_VAR_DIR"] = str(var_dir)
    env["DJANGO_SETTINGS_MODULE"] = settings
    # The bench package first; then whatever was set, for an experimental settings module.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    if database_url:
        env["XINYONG_DATABASE_URL"] = database_url
    return env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    started = time.perf_counter()
    completed = subprocess.run(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout)
        raise SystemExit(f"{what} failed with exit status {completed.returncode}")
    log(f"{what}: {time.perf_counter() - started:.1f} s")


def _xinyong(*args: str) -> list[str]:
    return [sys.executable, "-m", "xinyong.cli", *args]


def set_up(env: dict[str, str], label: str) -> None:
    _run(_xinyong("keys", "init"), env, f"{label}: keys init")
    # --skip-checks: the system checks import every URL module, which says nothing
    # about ingestion; the import itself imports only what it uses.
    _run(_xinyong("migrate", "--no-input", "-v", "0", "--skip-checks"), env, f"{label}: migrate")
    _run(_xinyong("policy", "--skip-checks", "load", str(POLICY_DIR)), env, f"{label}: policy load")


@contextmanager
def database_env(work: Path, database: str, settings: str) -> Iterator[dict[str, str]]:
    """The environment of a child process with a fresh, set-up database."""
    if database == "sqlite":
        env = _child_env(work / "sqlite-var", None, settings)
        set_up(env, "sqlite")
        yield env
        return
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import psycopg
    from tests.plugins.pgcluster import PostgresCluster

    log("postgres: starting a throwaway cluster")
    cluster = PostgresCluster().start()
    try:
        conninfo = f"host={cluster.root} user=postgres dbname=postgres"
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute("CREATE DATABASE xinyong")
        env = _child_env(work / "postgres-var", cluster.url, settings)
        set_up(env, "postgres")
        yield env
    finally:
        cluster.stop()


def _child(env: dict[str, str], what: str, *args: str) -> dict[str, Any]:
    """Run `python -m bench.ingest ARGS --result FILE` and return the JSON it wrote."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result = Path(handle.name)
    try:
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, "-m", "bench.ingest", *args, "--result", str(result)],
            env=env,
            cwd=ROOT,
            check=False,
        )
        wall = time.perf_counter() - started
        if completed.returncode != 0:
            raise SystemExit(f"{what} failed with exit status {completed.returncode}")
        outcome: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
        outcome["process_seconds"] = round(wall, 3)
        return outcome
    finally:
        result.unlink(missing_ok=True)


def _import_twice(
    env: dict[str, str], csv_path: Path, label: str, profile: Path | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    log(f"{label}: import")
    extra = ["--profile", str(profile)] if profile is not None else []
    first = _child(
        env, f"{label} import", "import", str(csv_path), "--label", f"{label} import", *extra
    )
    log(f"{label}: import {first['rows_per_s']:,.0f} rows/s, peak RSS {first['peak_rss_mb']} MB")
    log(f"{label}: re-import of the same file")
    second = _child(
        env, f"{label} re-import", "import", str(csv_path), "--label", f"{label} re-import"
    )
    log(f"{label}: re-import {second['rows_per_s']:,.0f} rows/s")
    return first, second


def _result(
    database: str, rows: int, raw: dict[str, Any], first: dict[str, Any], second: dict[str, Any]
) -> dict[str, Any]:
    return {
        "database": database,
        "rows": rows,
        "raw": raw,
        "import": first,
        "reimport": second,
        "ratio": round(first["rows_per_s"] / raw["rows_per_s"], 3),
        "peak_rss_mb": max(first["peak_rss_mb"], second["peak_rss_mb"]),
    }


def bench_sqlite(
    work: Path, env: dict[str, str], csv_path: Path, rows: int, profile: Path | None
) -> dict[str, Any]:
    log("sqlite: raw executemany")
    raw = raw_sqlite(csv_path, work / "raw.sqlite3")
    log(f"sqlite: raw {raw['rows_per_s']:,.0f} rows/s")
    (work / "raw.sqlite3").unlink(missing_ok=True)
    first, second = _import_twice(env, csv_path, "sqlite", profile)
    return _result("sqlite", rows, raw, first, second)


def bench_postgres(
    work: Path, csv_path: Path, rows: int, profile: Path | None, settings: str
) -> dict[str, Any]:
    with database_env(work, "postgres", settings) as env:
        log("postgres: raw COPY")
        # The cluster's URL names the database the platform uses: a libpq URI.
        raw = raw_postgres(csv_path, env["XINYONG_DATABASE_URL"])
        log(f"postgres: raw {raw['rows_per_s']:,.0f} rows/s")
        first, second = _import_twice(env, csv_path, "postgres", profile)
        return _result("postgres", rows, raw, first, second)


def table(results: list[dict[str, Any]]) -> str:
    header = (
        "database",
        "rows",
        "raw rows/s",
        "import rows/s",
        "ratio",
        "peak RSS MB",
        "re-import rows/s",
        "accepted",
        "updated",
        "unchanged",
        "rejected",
    )
    lines = [header]
    for r in results:
        first, second = r["import"], r["reimport"]
        lines.append(
            (
                r["database"],
                f"{r['rows']:,}",
                f"{r['raw']['rows_per_s']:,.0f}",
                f"{first['rows_per_s']:,.0f}",
                f"{r['ratio']:.2f}",
                f"{r['peak_rss_mb']:,.0f}",
                f"{second['rows_per_s']:,.0f}",
                f"{first['accepted']:,}",
                f"{first['updated']:,}",
                f"{first['unchanged']:,}",
                f"{first['rejected']:,}",
            )
        )
        lines.append(
            (
                "  re-import",
                "",
                "",
                "",
                "",
                f"{second['peak_rss_mb']:,.0f}",
                "",
                f"{second['accepted']:,}",
                f"{second['updated']:,}",
                f"{second['unchanged']:,}",
                f"{second['rejected']:,}",
            )
        )
    return format_table(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rows",
        type=int,
        default=DEFAULT_ROWS,
        help=f"penalty rows to generate and import (default {DEFAULT_ROWS:,})",
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument(
        "--headers",
        choices=("zh", "code"),
        default="zh",
        help="Chinese field names (default) or CF_* codes as column headers",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile the first import of each database with cProfile",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--settings",
        default="xinyong.settings",
        help="Django settings module of the child processes, to try a change of settings: "
        "a module on PYTHONPATH that imports xinyong.settings and overrides one thing",
    )


def main(args: argparse.Namespace) -> int:
    if args.rows < 1:
        raise SystemExit("--rows must be at least 1")
    out_dir = Path(os.environ.get("XINYONG_VAR_DIR") or ROOT / "var") / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="xinyong-bench-"))
    databases = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    log(f"ingest: {args.rows:,} rows on {', '.join(databases)}; work directory {work}")
    results: list[dict[str, Any]] = []
    try:
        sqlite_env = _child_env(work / "sqlite-var", None, args.settings)
        set_up(sqlite_env, "sqlite")
        csv_path = work / "penalties.csv"
        log(f"generating {args.rows:,} penalty rows")
        generated = _child(
            sqlite_env,
            "generate",
            "generate",
            str(csv_path),
            "--rows",
            str(args.rows),
            "--seed",
            str(args.seed),
            "--headers",
            args.headers,
        )
        log(
            f"generated {csv_path.stat().st_size / 1e6:,.0f} MB in {generated['seconds']} s; "
            f"bad rows {generated['bad_rows']}"
        )
        for database in databases:
            profile = out_dir / f"ingest-{database}.prof" if args.profile else None
            if database == "sqlite":
                results.append(bench_sqlite(work, sqlite_env, csv_path, args.rows, profile))
            else:
                results.append(bench_postgres(work, csv_path, args.rows, profile, args.settings))
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    report = {
        "benchmark": "ingest",
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "rows": args.rows,
        "seed": args.seed,
        "headers": args.headers,
        "python": sys.version.split()[0],
        "settings": args.settings,
        "file": generated,
        "results": results,
    }
    target = out_dir / "ingest.json"
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(
        f"\ningest: {args.rows:,} penalty rows ({generated['bytes'] / 1e6:,.0f} MB CSV); "
        "raw = csv module + executemany (SQLite) / COPY (PostgreSQL); import = import_file "
        "with validation and versioning; ratio = import / raw"
    )
    print(table(results))
    for result in results:
        for run in ("import", "reimport"):
            top = result[run].get("profile_top")
            if top:
                print(f"\nprofile of the {result['database']} {run}: own time per row (µs)")
                for entry in top:
                    print(
                        f"{entry['own_us_per_row']:9.2f} {entry['cum_us_per_row']:9.2f} "
                        f"{entry['calls']:>10,}  {entry['function']}"
                    )
    print(f"\nresults: {target}")
    return 0


# --- child entry points ------------------------------------------------------------------


def _child_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest")
    sub = parser.add_subparsers(dest="action", required=True)
    gen = sub.add_parser("generate", help="write the penalty CSV")
    gen.add_argument("path", type=Path)
    gen.add_argument("--rows", type=int, required=True)
    gen.add_argument("--seed", type=int, default=2019)
    gen.add_argument("--headers", choices=("zh", "code"), default="zh")
    imp = sub.add_parser("import", help="import the CSV with import_file")
    imp.add_argument("path", type=Path)
    imp.add_argument("--label", default="import")
    imp.add_argument("--profile", type=Path)
    for sub_parser in (gen, imp):
        sub_parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
    import django

    django.setup()
    if args.action == "generate":
        outcome = generate(args.path, args.rows, args.seed, args.headers, log=log)
    else:
        outcome = run_import(args.path, args.label, args.profile)
    args.result.write_text(json.dumps(outcome, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
