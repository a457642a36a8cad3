"""Search benchmark: `search_subjects` over N generated subjects beside a LIKE scan.

`python -m bench --only search [--subjects N] [--db sqlite|postgres|both] [--queries Q]`

1. For each database a fresh state, set up as `bench.ingest` does it (SQLite: a var
   directory; PostgreSQL: a throwaway cluster): keys, migrate, the policy pack.
2. A child process (`python -m bench.search load`) writes N subjects from
   `generate_subjects` (about 8 % persons; 10 % of the others closed and 5 % revoked,
   so that ranking has work) with `executemany` (SQLite) or `COPY` (PostgreSQL), then
   builds the index with `xinyong.search.index.rebuild` (timed: the real code path),
   then ANALYZE (PostgreSQL: VACUUM ANALYZE, which index-only scans need).
3. A second child (`python -m bench.search query`) draws Q fragments of 1, 2 and 4
   characters from the names: half weighted by frequency (a random stretch of a random
   name: 公司, 昆明 …), half uniformly from the distinct fragments, most of which are
   rare. After a short warm-up it times each query once through `search_subjects`
   (page 1, with its capped count), then each through the plain scan
   `name LIKE '%q%' ORDER BY id LIMIT 20` in the same process.
4. A table and var/bench/search.json (under XINYONG_VAR_DIR when set).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import format_table
from bench.ingest import ROOT, database_env, log

DEFAULT_SUBJECTS = 1_000_000
DEFAULT_QUERIES = 200
LENGTHS = (1, 2, 4)
WARM_UP = 50
CLOSED_SHARE = 0.10
REVOKED_SHARE = 0.05
WRITE_CHUNK = 10_000
PAGE_SIZE = 20


# --- orchestration (this process) ------------------------------------------------------


def child(
    env: dict[str, str], what: str, *args: str, module: str = "bench.search"
) -> dict[str, Any]:
    """Run `python -m MODULE ARGS --result FILE` and return the JSON it wrote."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result = Path(handle.name)
    try:
        completed = subprocess.run(
            [sys.executable, "-m", module, *args, "--result", str(result)],
            env=env,
            cwd=ROOT,
            check=False,
        )
        if completed.returncode != 0:
            raise SystemExit(f"{what} failed with exit status {completed.returncode}")
        outcome: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
        return outcome
    finally:
        result.unlink(missing_ok=True)


def load_subjects(env: dict[str, str], database: str, subjects: int, seed: int) -> dict[str, Any]:
    """Write `subjects` generated subjects into the database of `env` and index them."""
    log(f"{database}: writing {subjects:,} subjects and indexing them")
    loaded = child(
        env, f"{database} load", "load", "--subjects", str(subjects), "--seed", str(seed)
    )
    log(
        f"{database}: {loaded['subjects']:,} subjects in {loaded['write_seconds']} s; "
        f"index of {loaded['postings']:,} postings in {loaded['index_seconds']} s"
    )
    return loaded


def benchdatabase_env(work: Path, database: str, args: argparse.Namespace) -> dict[str, Any]:
    with database_env(work, database, args.settings) as env:
        loaded = load_subjects(env, database, args.subjects, args.seed)
        log(f"{database}: {args.queries} queries of each length")
        queried = child(
            env,
            f"{database} query",
            "query",
            "--queries",
            str(args.queries),
            "--seed",
            str(args.seed),
        )
    return {"database": database, "load": loaded, "lengths": queried["lengths"]}


def table(results: list[dict[str, Any]]) -> str:
    header = (
        "database",
        "chars",
        "search p50",
        "p95",
        "max",
        "LIKE p50",
        "p95",
        "max",
        "capped",
        "none",
    )
    lines = [header]
    for result in results:
        for length, figures in result["lengths"].items():
            search, like = figures["search_ms"], figures["like_ms"]
            lines.append(
                (
                    result["database"],
                    length,
                    *(f"{search[k]:.1f}" for k in ("p50", "p95", "max")),
                    *(f"{like[k]:.1f}" for k in ("p50", "p95", "max")),
                    f"{figures['capped']}",
                    f"{figures['no_match']}",
                )
            )
    return format_table(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--subjects",
        type=int,
        default=DEFAULT_SUBJECTS,
        help=f"subjects to generate and search (default {DEFAULT_SUBJECTS:,})",
    )
    parser.add_argument(
        "--queries",
        type=int,
        default=DEFAULT_QUERIES,
        help=f"queries of each length, 1, 2 and 4 characters (default {DEFAULT_QUERIES})",
    )


def main(args: argparse.Namespace) -> int:
    if args.subjects < 1 or args.queries < 1:
        raise SystemExit("--subjects and --queries must be at least 1")
    out_dir = Path(os.environ.get("XINYONG_VAR_DIR") or ROOT / "var") / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="xinyong-bench-search-"))
    databases = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    log(f"search: {args.subjects:,} subjects on {', '.join(databases)}; work directory {work}")
    try:
        results = [benchdatabase_env(work, database, args) for database in databases]
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    report = {
        "benchmark": "search",
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "subjects": args.subjects,
        "queries_per_length": args.queries,
        "seed": args.seed,
        "python": sys.version.split()[0],
        "results": results,
    }
    target = out_dir / "search.json"
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(
        f"\nsearch: {args.subjects:,} subjects, {args.queries} queries per length (half "
        "frequent, half rare fragments); ms per query: search_subjects page 1 with its "
        f"capped count, beside name LIKE '%q%' ORDER BY id LIMIT {PAGE_SIZE}; capped: "
        "queries with more than 1,000 matches; none: queries with no match"
    )
    print(table(results))
    for result in results:
        load = result["load"]
        print(
            f"{result['database']}: index of {load['postings']:,} postings built in "
            f"{load['index_seconds']} s, {load['index_mb']:,.0f} MB"
        )
    print(f"\nresults: {target}")
    return 0


# --- loading (child process, Django set up) ---------------------------------------------

SUBJECT_COLUMNS = (
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


def _subject_rows(count: int, seed: int, regions: list[Any]) -> Iterator[tuple[Any, ...]]:
    """Table rows; no queries (they run inside COPY, which holds the connection)."""
    from django.db import connection
    from django.utils import timezone

    from xinyong.core import pii
    from xinyong.subjects.demo import generate_subjects
    from xinyong.subjects.services import ID_CONTEXT

    rng = random.Random(seed)
    now = timezone.now()
    stamp = (
        now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)
    )
    for row in generate_subjects(count, seed, regions):
        sealed = pii.seal(row.id_number, ID_CONTEXT) if row.id_number else None
        roll = rng.random()
        status = "closed" if roll < CLOSED_SHARE else "active"
        if CLOSED_SHARE <= roll < CLOSED_SHARE + REVOKED_SHARE:
            status = "revoked"
        yield (
            secrets.token_urlsafe(12),
            row.kind,
            row.name,
            row.uscc,
            sealed.ciphertext if sealed else "",
            sealed.blind_index if sealed else None,
            sealed.masked if sealed else "",
            row.region_code,
            row.legal_representative,
            status,
            stamp,
            stamp,
        )


def write_subjects(count: int, seed: int) -> int:
    """Write the subjects straight into the table: the index is what is measured."""
    from django.db import connection, transaction

    from xinyong.subjects.demo import load_regions
    from xinyong.subjects.models import Subject

    table = connection.ops.quote_name(Subject._meta.db_table)
    columns = ", ".join(SUBJECT_COLUMNS)
    rows = _subject_rows(count, seed, load_regions())
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(SUBJECT_COLUMNS))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            while chunk := [row for _, row in zip(range(WRITE_CHUNK), rows, strict=False)]:
                cursor.executemany(sql, chunk)
    return Subject.objects.count()


def _analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _index_megabytes() -> float:
    from django.db import connection

    from xinyong.search.models import IndexedName, NameGram

    tables = [NameGram._meta.db_table, IndexedName._meta.db_table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT sum(pg_total_relation_size(t)) FROM unnest(%s::text[]) AS t", [tables]
            )
        else:
            # dbstat may be missing from an SQLite build; then the file as a whole.
            try:
                cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name IN (%s, %s)", tables)
            except Exception:
                cursor.execute(
                    "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size"
                )
        (size,) = cursor.fetchone()
    return round(float(size or 0) / 1e6, 1)


def load(count: int, seed: int) -> dict[str, Any]:
    from xinyong.search.index import rebuild

    started = time.perf_counter()
    subjects = write_subjects(count, seed)
    written = time.perf_counter()
    last = [written]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] >= 10:
            last[0] = time.perf_counter()
            log(f"indexed {done:,} of {total:,} subjects")

    postings = rebuild(batch_size=20_000, progress=progress)
    indexed = time.perf_counter()
    _analyse()
    return {
        "subjects": subjects,
        "write_seconds": round(written - started, 1),
        "postings": postings,
        "index_seconds": round(indexed - written, 1),
        "postings_per_s": round(postings / (indexed - written)),
        "analyse_seconds": round(time.perf_counter() - indexed, 1),
        "index_mb": _index_megabytes(),
    }


# --- querying (child process, Django set up) --------------------------------------------


def _names() -> list[str]:
    from xinyong.subjects.models import Subject

    return list(Subject.objects.exclude(kind="person").values_list("name", flat=True))


def draw_queries(names: list[str], length: int, count: int, rng: random.Random) -> list[str]:
    """Half frequency-weighted stretches of names, half uniform over distinct fragments."""
    usable = [name for name in names if len(name) >= length]
    frequent = []
    while len(frequent) < count - count // 2:
        name = rng.choice(usable)
        start = rng.randrange(len(name) - length + 1)
        frequent.append(name[start : start + length])
    sample = rng.sample(usable, min(len(usable), 200_000))
    seen = Counter(name[i : i + length] for name in sample for i in range(len(name) - length + 1))
    distinct = sorted(seen)
    rare = [rng.choice(distinct) for _ in range(count // 2)]
    return frequent + rare


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)

    return {"p50": at(0.50), "p95": at(0.95), "max": round(ordered[-1], 2)}


def _time_search(queries: list[str]) -> tuple[list[float], list[int], list[bool]]:
    from xinyong.search.query import search_subjects

    times, totals, capped = [], [], []
    for query in queries:
        started = time.perf_counter()
        page = search_subjects(query, page_size=PAGE_SIZE)
        times.append((time.perf_counter() - started) * 1000)
        totals.append(page.total)
        capped.append(page.total_capped)
    return times, totals, capped


def _time_like(queries: list[str]) -> list[float]:
    from django.db import connection

    sql = (
        "SELECT id FROM subjects_subject WHERE name LIKE %s AND kind <> 'person' "
        f"ORDER BY id LIMIT {PAGE_SIZE}"
    )
    times = []
    with connection.cursor() as cursor:
        for query in queries:
            started = time.perf_counter()
            cursor.execute(sql, [f"%{query}%"])
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return times


def query(count: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    names = _names()
    drawn = {length: draw_queries(names, length, count, rng) for length in LENGTHS}
    warm_up = draw_queries(names, 2, WARM_UP, rng)
    del names
    gc.collect()
    _time_search(warm_up)
    results: dict[str, Any] = {}
    for length, queries in drawn.items():
        times, totals, capped = _time_search(queries)
        results[str(length)] = {
            "search_ms": percentiles(times),
            "capped": sum(capped),
            "no_match": sum(1 for total in totals if total == 0),
            "median_total": sorted(totals)[len(totals) // 2],
            "slowest": [q for _t, q in sorted(zip(times, queries, strict=True))[-5:]],
        }
    for length, queries in drawn.items():
        results[str(length)]["like_ms"] = percentiles(_time_like(queries))
    return {"lengths": results}


# --- child entry points -----------------------------------------------------------------


def _child_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search")
    sub = parser.add_subparsers(dest="action", required=True)
    loader = sub.add_parser("load", help="write the subjects and build the index")
    loader.add_argument("--subjects", type=int, required=True)
    querier = sub.add_parser("query", help="time the queries")
    querier.add_argument("--queries", type=int, required=True)
    for sub_parser in (loader, querier):
        sub_parser.add_argument("--seed", type=int, default=2019)
        sub_parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
    import django

    django.setup()
    if args.action == "load":
        outcome = load(args.subjects, args.seed)
    else:
        outcome = query(args.queries, args.seed)
    args.result.write_text(json.dumps(outcome, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
