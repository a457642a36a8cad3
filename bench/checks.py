"""Check benchmark: `run_check` on a batch beside the bare SQL join, and single API checks.

`python -m bench --only checks [--db sqlite|postgres|both] [--check-subjects N]
[--check-entries E] [--check-records R] [--check-batch B] [--check-requests Q]
[--check-clients C] [--check-workers W] [--check-profile]`

1. For each database a fresh state, set up as `bench.ingest` does it (SQLite: a var
   directory; PostgreSQL: a throwaway cluster): keys, migrate, the policy pack.
2. A child process (`python -m bench.checks load`) writes, with bulk SQL (data setup, not
   what is measured): N subjects (`bench.search.write_subjects`: `generate_subjects`,
   about 8 % persons); E entries in force spread over the pack's lists (weighted towards
   失信被执行人 and the abnormal-operations directory, each on a subject of a kind the
   list takes, at most one per list and subject, 90 % published, 40 % without an end
   date); R penalty records (decision dates over the last five years, so the
   clean-record rule has real records to look at). Then ANALYZE.
3. A child process (`python -m bench.checks batch`) draws B codes: USCCs of random
   subjects, 5 % of them valid USCCs nobody has. After a warm-up check of 1,000 codes it
   times, in R rounds (`--check-repeat`; the best and the median are reported, the
   machine being shared), `run_check` end to end (parsing, matching, entries, measures,
   incentives, the receipt with its compressed answer, the audit event) in two scenes:
   政府采购 (punishments only) and 行政许可 (where the clean-record rule reads the
   records), and the bare SQL join of the same codes, subjects ⋈ entries in force ⋈
   lists, in the same chunks and parameter form (SQLite: IN lists of 10,000; PostgreSQL:
   one array), rows fetched. It also times zlib levels 1, 3 and 6 on the answer.
   `--check-profile` runs one more procurement check under cProfile and prints the own
   time per subject (µs).
4. A child (`python -m bench.checks prepare`) makes a `checks` token and Q one-subject
   request bodies; the project is served as `bench.portal` serves it (gunicorn, W sync
   worker processes, one per core by default, DEBUG off), and C client threads on the
   same cores POST /api/v1/checks, each body once, over a new connection each time.
   Latency from sending to the last byte; any status but 200 is an error.
   The reference: the same clients reading a stored one-subject receipt
   (`GET /api/v1/checks/{receipt}`), the cheapest authenticated call, i.e. what the
   server, Django and token authentication cost before any check.
5. Tables and var/bench/checks.json (under XINYONG_VAR_DIR when set). Goals: a batch at
   ≥ 50,000 subjects/s; single checks ≥ 500 requests/s with p99 ≤ 20 ms on 2 cores.

The server keeps database connections between requests (`XINYONG_DB_CONN_MAX_AGE`,
default 60 s); `XINYONG_DB_CONN_MAX_AGE=0` measures a new connection per request.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import zlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.common import format_table
from bench.ingest import ROOT, log, profile_summary
from bench.portal import DEFAULT_WORKERS, WARM_UP, Run, _server

DEFAULT_SUBJECTS = 1_000_000
DEFAULT_ENTRIES = 200_000
DEFAULT_RECORDS = 300_000
DEFAULT_BATCH = 100_000
DEFAULT_REQUESTS = 5_000
DEFAULT_CLIENTS = 8
DEFAULT_REPEAT = 3
GOAL_BATCH_PER_S = 50_000
GOAL_REQUESTS_PER_S = 500
GOAL_P99_MS = 20.0
UNKNOWN_SHARE = 0.05
WARM_UP_CODES = 1_000
SCENES = ("government-procurement", "administrative-licensing")
CHECKING_UNIT = "YN-CZT"
PURPOSE = "基准测试：政府采购供应商资格审查"
# Entries per list: heavier on the lists that are large in practice.
LIST_WEIGHTS = {"judgment-defaulters": 40, "abnormal-operations": 25, "major-tax-violators": 5}
WRITE_CHUNK = 10_000
REQUEST_TIMEOUT = 30.0


# --- orchestration (this process) ------------------------------------------------------


def _checks_child(env: dict[str, str], what: str, *args: str) -> dict[str, Any]:
    """Run `python -m bench.checks ARGS --result FILE` and return the JSON it wrote."""
    import subprocess

    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result = Path(handle.name)
    try:
        command = [sys.executable, "-m", "bench.checks", *args, "--result", str(result)]
        completed = subprocess.run(command, env=env, cwd=ROOT, check=False)
        if completed.returncode != 0:
            raise SystemExit(f"{what} failed with exit status {completed.returncode}")
        outcome: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
        return outcome
    finally:
        result.unlink(missing_ok=True)


Request = tuple[str, str, bytes | None]  # method, path, body


def _send_all(base: str, requests: list[Request], secret: str, clients: int) -> Run:
    """Send every request once with `clients` threads, each taking the next in turn, each
    over a new connection (the server answers HTTP/1.0 and closes)."""
    parts = urlsplit(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    run = Run()
    queue = iter(requests)
    take = threading.Lock()

    def send(method: str, path: str, body: bytes | None) -> tuple[float, str | None]:
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT)
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            response.read()
            connection.close()
        except OSError as error:
            return (time.perf_counter() - started) * 1000, type(error).__name__
        milliseconds = (time.perf_counter() - started) * 1000
        return milliseconds, None if response.status == 200 else f"HTTP {response.status}"

    def client() -> None:
        while True:
            with take:
                request = next(queue, None)
            if request is None:
                return
            run.note(*send(*request))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    return run


def _summary(run: Run) -> dict[str, Any]:
    summary = run.summary()
    ordered = sorted(run.latencies)
    summary["p99_ms"] = round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 2)
    return summary


def bench_database(work: Path, database: str, args: argparse.Namespace) -> dict[str, Any]:
    from bench.ingest import database_env

    with database_env(work, database, args.settings) as env:
        log(
            f"{database}: writing {args.check_subjects:,} subjects, {args.check_entries:,} "
            f"entries, {args.check_records:,} records"
        )
        loaded = _checks_child(
            env,
            f"{database} load",
            "load",
            "--subjects",
            str(args.check_subjects),
            "--entries",
            str(args.check_entries),
            "--records",
            str(args.check_records),
            "--seed",
            str(args.seed),
        )
        log(f"{database}: loaded in {loaded['seconds']} s; batch of {args.check_batch:,} codes")
        batch_args = ["batch", "--batch", str(args.check_batch), "--seed", str(args.seed)]
        batch_args += ["--repeat", str(args.check_repeat)]
        if args.check_profile:
            out_dir = Path(os.environ.get("XINYONG_VAR_DIR") or ROOT / "var") / "bench"
            batch_args += ["--profile", str(out_dir / f"checks-{database}.prof")]
        batch = _checks_child(env, f"{database} batch", *batch_args)
        for scene, figures in batch["scenes"].items():
            log(
                f"{database}: {scene}: run_check {figures['subjects_per_s']:,.0f} subjects/s, "
                f"bare join {batch['join']['subjects_per_s']:,.0f} subjects/s"
            )
        prepared = _checks_child(
            env,
            f"{database} prepare",
            "prepare",
            "--requests",
            str(args.check_requests + WARM_UP),
            "--seed",
            str(args.seed),
        )
        checks: list[Request] = [
            ("POST", "/api/v1/checks", body.encode("utf-8")) for body in prepared["bodies"]
        ]
        reads: list[Request] = [("GET", f"/api/v1/checks/{prepared['receipt']}", None)]
        secret, clients = prepared["secret"], args.check_clients
        with _server(env, work, args.check_workers) as base:
            _send_all(base, checks[:WARM_UP] + reads * WARM_UP, secret, 4)
            log(f"{database}: reference (reading a receipt), {clients} clients")
            reference = _send_all(base, reads * args.check_requests, secret, clients)
            log(f"{database}: single checks, {clients} clients")
            run = _send_all(base, checks[WARM_UP:], secret, clients)
        api = _summary(run)
        log(f"{database}: {api['requests_per_s']:,.0f} requests/s, p99 {api['p99_ms']} ms")
    procurement = batch["scenes"][SCENES[0]]
    return {
        "database": database,
        "load": loaded,
        "batch": batch,
        "api": {
            **api,
            "reference": _summary(reference),
            "clients": args.check_clients,
            "server_processes": args.check_workers,
            "listed_share": prepared["listed_share"],
        },
        "goals": {
            "batch_met": procurement["subjects_per_s"] >= GOAL_BATCH_PER_S,
            "api_met": api["requests_per_s"] >= GOAL_REQUESTS_PER_S
            and api["p99_ms"] <= GOAL_P99_MS
            and not api["errors"],
        },
    }


def batch_table(results: list[dict[str, Any]]) -> str:
    header = (
        "database",
        "what",
        "subjects",
        "best s",
        "subjects/s",
        "median/s",
        "× join",
        "matched",
        "listed",
        "JSON MB",
        "stored MB",
    )
    lines = [header]
    for result in results:
        batch = result["batch"]
        join = batch["join"]
        rows = [(f"run_check {scene}", figures) for scene, figures in batch["scenes"].items()]
        for name, figures in [*rows, ("bare SQL join", join)]:
            lines.append(
                (
                    result["database"],
                    name,
                    f"{figures['subjects']:,}",
                    f"{figures['seconds']:.2f}",
                    f"{figures['subjects_per_s']:,.0f}",
                    f"{figures['median_subjects_per_s']:,.0f}",
                    f"{figures['seconds'] / join['seconds']:.1f}",
                    f"{figures['matched']:,}",
                    f"{figures['listed']:,}",
                    f"{figures['json_mb']:.1f}" if "json_mb" in figures else "",
                    f"{figures['stored_mb']:.1f}" if "stored_mb" in figures else "",
                )
            )
    return format_table(lines, left=2)


def api_table(results: list[dict[str, Any]]) -> str:
    lines: list[tuple[str, ...]] = [
        (
            "database",
            "request",
            "requests",
            "req/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms",
            "errors",
        )
    ]
    for result in results:
        api = result["api"]
        for name, row in (("GET receipt (reference)", api["reference"]), ("POST check", api)):
            lines.append(
                (
                    result["database"],
                    name,
                    f"{row['requests']:,}",
                    f"{row['requests_per_s']:,.0f}",
                    f"{row['p50_ms']:.1f}",
                    f"{row['p95_ms']:.1f}",
                    f"{row['p99_ms']:.1f}",
                    f"{row['max_ms']:.1f}",
                    str(sum(row["errors"].values())),
                )
            )
    return format_table(lines, left=2)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("checks")
    group.add_argument(
        "--check-subjects",
        type=int,
        default=DEFAULT_SUBJECTS,
        help=f"checks: subjects to generate (default {DEFAULT_SUBJECTS:,})",
    )
    group.add_argument(
        "--check-entries",
        type=int,
        default=DEFAULT_ENTRIES,
        help=f"checks: list entries in force (default {DEFAULT_ENTRIES:,})",
    )
    group.add_argument(
        "--check-records",
        type=int,
        default=DEFAULT_RECORDS,
        help=f"checks: penalty records (default {DEFAULT_RECORDS:,})",
    )
    group.add_argument(
        "--check-batch",
        type=int,
        default=DEFAULT_BATCH,
        help=f"checks: subjects in the batch check (default {DEFAULT_BATCH:,})",
    )
    group.add_argument(
        "--check-requests",
        type=int,
        default=DEFAULT_REQUESTS,
        help=f"checks: single checks through the API (default {DEFAULT_REQUESTS:,})",
    )
    group.add_argument(
        "--check-clients",
        type=int,
        default=DEFAULT_CLIENTS,
        help=f"checks: concurrent API clients (default {DEFAULT_CLIENTS})",
    )
    group.add_argument(
        "--check-workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"checks: server processes (default {DEFAULT_WORKERS})",
    )
    group.add_argument(
        "--check-repeat",
        type=int,
        default=DEFAULT_REPEAT,
        help=f"checks: rounds of the batch timings; the best is reported (default "
        f"{DEFAULT_REPEAT})",
    )
    group.add_argument(
        "--check-profile",
        action="store_true",
        help="checks: profile one more procurement batch with cProfile",
    )


def main(args: argparse.Namespace) -> int:
    sizes = (args.check_subjects, args.check_batch, args.check_requests, args.check_clients)
    if min(*sizes, args.check_workers) < 1 or min(args.check_entries, args.check_records) < 0:
        raise SystemExit("the --check-* sizes must be at least 1 (entries and records 0)")
    out_dir = Path(os.environ.get("XINYONG_VAR_DIR") or ROOT / "var") / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="xinyong-bench-checks-"))
    databases = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    log(f"checks: {args.check_subjects:,} subjects on {', '.join(databases)}; {work}")
    try:
        results = [bench_database(work, database, args) for database in databases]
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    report = {
        "benchmark": "checks",
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "subjects": args.check_subjects,
        "entries": args.check_entries,
        "records": args.check_records,
        "batch": args.check_batch,
        "seed": args.seed,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "settings": args.settings,
        "results": results,
    }
    target = out_dir / "checks.json"
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(
        f"\nchecks: a batch of {args.check_batch:,} codes ({UNKNOWN_SHARE:.0%} unknown) against "
        f"{args.check_subjects:,} subjects and {args.check_entries:,} entries in force; "
        f"run_check end to end (receipt stored) beside the bare join; goal "
        f"≥ {GOAL_BATCH_PER_S:,} subjects/s"
    )
    print(batch_table(results))
    print(
        f"\nsingle checks: POST /api/v1/checks, one subject each, {args.check_clients} clients, "
        f"{args.check_workers} server process(es); goal ≥ {GOAL_REQUESTS_PER_S} req/s, "
        f"p99 ≤ {GOAL_P99_MS:.0f} ms"
    )
    print(api_table(results))
    for result in results:
        levels = result["batch"]["compression"]
        print(
            f"{result['database']}: answer {levels['json_mb']:.1f} MB JSON; zlib "
            + ", ".join(
                f"level {level} {figures['mb']:.1f} MB in {figures['seconds']:.2f} s"
                for level, figures in levels["levels"].items()
            )
        )
        top = result["batch"].get("profile_top")
        if top:
            print(f"\nprofile of the {result['database']} batch: own time per subject (µs)")
            for entry in top:
                print(
                    f"{entry['own_us_per_row']:9.2f} {entry['cum_us_per_row']:9.2f} "
                    f"{entry['calls']:>10,}  {entry['function']}"
                )
    print(f"\nresults: {target}")
    return 0


# --- loading (child process, Django set up) ----------------------------------------------


def _insert(table: str, columns: tuple[str, ...], rows: Any) -> int:
    """Bulk rows into a table: COPY (PostgreSQL) or executemany (SQLite)."""
    from django.db import connection, transaction

    quoted = connection.ops.quote_name(table)
    names = ", ".join(columns)
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quoted} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {quoted} ({names}) VALUES ({marks})"
            while chunk := [row for _, row in zip(range(WRITE_CHUNK), rows, strict=False)]:
                cursor.executemany(sql, chunk)
                count += len(chunk)
    return count


def _stamp(now: Any) -> Any:
    from django.db import connection

    return (
        now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)
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
    "exit_reason",
    "updated_at",
)


def write_entries(count: int, seed: int, today: date) -> int:
    from django.utils import timezone

    from xinyong.lists.models import CreditList, ListEntry
    from xinyong.subjects.models import Subject

    rng = random.Random(seed + 1)
    lists = list(
        CreditList.objects.filter(active=True).values_list(
            "id", "code", "owner_id", "subject_kinds"
        )
    )
    by_kind: dict[str, list[int]] = {}
    for pk, kind in Subject.objects.values_list("id", "kind").iterator(chunk_size=50_000):
        by_kind.setdefault(kind, []).append(pk)
    weights = [LIST_WEIGHTS.get(code, 1) for _pk, code, _owner, _kinds in lists]
    now = _stamp(timezone.now())
    taken: set[tuple[int, int]] = set()

    def rows() -> Any:
        made = 0
        while made < count:
            list_id, code, owner, kinds = rng.choices(lists, weights)[0]
            pool = [kind for kind in kinds if by_kind.get(kind)]
            if not pool:
                continue
            subject = rng.choice(by_kind[rng.choice(pool)])
            if (list_id, subject) in taken:
                continue
            taken.add((list_id, subject))
            starts = today - timedelta(days=rng.randrange(1, 3 * 365))
            ends = None if rng.random() < 0.4 else today + timedelta(days=rng.randrange(0, 3 * 365))
            published = rng.random() < 0.9
            made += 1
            yield (
                f"MB{made:012X}",
                list_id,
                subject,
                owner,
                str(ListEntry.Status.PUBLISHED if published else ListEntry.Status.LISTED),
                str(ListEntry.Origin.IMPORT),
                "bench",
                "",
                f"基准测试数据（{code}）",
                f"（{starts.year}）基准{made}号",
                now,
                "",
                starts.isoformat(),
                starts.isoformat(),
                ends.isoformat() if ends else None,
                now if published else None,
                "",
                now,
            )

    return _insert(ListEntry._meta.db_table, ENTRY_COLUMNS, rows())


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
)


def write_records(count: int, seed: int, today: date) -> int:
    """Penalty rows with what the check reads (subject, type, date, status) filled in."""
    from django.utils import timezone

    from xinyong.records.models import Batch, CreditRecord, RecordType
    from xinyong.subjects.models import Subject, Unit

    if count == 0:
        return 0
    rng = random.Random(seed + 2)
    record_type = RecordType.objects.get(code="penalty")
    unit = Unit.objects.get(code="YN-GSJ")
    batch = Batch.objects.create(
        unit=unit, record_type=record_type, source="cli", status="done", actor="cli:bench"
    )
    ids = list(Subject.objects.exclude(kind="person").values_list("id", flat=True))
    now = _stamp(timezone.now())

    def rows() -> Any:
        for number in range(count):
            decided = today - timedelta(days=rng.randrange(1, 5 * 365))
            yield (
                rng.choice(ids),
                record_type.pk,
                unit.pk,
                f"基准罚〔{decided.year}〕{number}号",
                decided.isoformat(),
                '["罚款"]',
                "general",
                "revoked" if rng.random() < 0.01 else "normal",
                "{}",
                "{}",
                "0" * 64,
                1,
                "0" * 64,
                now,
                batch.pk,
            )

    return _insert(CreditRecord._meta.db_table, RECORD_COLUMNS, rows())


def load(subjects: int, entries: int, records: int, seed: int) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from bench.search import write_subjects

    today = timezone.localdate()
    started = time.perf_counter()
    written = write_subjects(subjects, seed)
    entry_count = write_entries(entries, seed, today)
    record_count = write_records(records, seed, today)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {
        "subjects": written,
        "entries": entry_count,
        "records": record_count,
        "seconds": round(time.perf_counter() - started, 1),
    }


# --- the batch (child process, Django set up) ---------------------------------------------


def draw_codes(count: int, seed: int) -> list[str]:
    """USCCs of random subjects, with a share of valid USCCs that nobody has."""
    from xinyong.subjects.identifiers import org_code_check_character, uscc_check_character
    from xinyong.subjects.models import Subject

    rng = random.Random(seed + 3)
    codes = list(Subject.objects.exclude(uscc=None).values_list("uscc", flat=True))
    known = set(codes)
    drawn = rng.sample(codes, min(count, len(codes)))
    while len(drawn) < count:
        drawn.append(rng.choice(codes))
    for position in rng.sample(range(count), int(count * UNKNOWN_SHARE)):
        while True:
            body = f"{rng.randrange(10**8):08d}"
            first17 = "91530102" + body + org_code_check_character(body)
            code = first17 + uscc_check_character(first17)
            if code not in known:
                drawn[position] = code
                break
    return drawn


def _bare_join(codes: list[str], today: date) -> dict[str, Any]:
    """subjects ⋈ entries in force ⋈ lists for the same codes, in the same chunks."""
    from django.db import connection

    from xinyong.lists.checks import IN_FORCE, POSTGRES_CHUNK, SQLITE_CHUNK, _any

    postgres = connection.vendor == "postgresql"
    day = connection.ops.adapt_datefield_value(today)
    marks = ", ".join(["%s"] * len(IN_FORCE))
    sql = (
        "SELECT s.id, s.uscc, l.code, e.reference, e.starts_on, e.ends_on "
        "FROM subjects_subject s LEFT JOIN lists_listentry e ON e.subject_id = s.id "
        f"AND e.status IN ({marks}) AND e.starts_on <= %s "
        "AND (e.ends_on IS NULL OR e.ends_on >= %s) "
        "LEFT JOIN lists_creditlist l ON l.id = e.credit_list_id WHERE "
    )
    params = [*IN_FORCE, day, day]
    size = POSTGRES_CHUNK if postgres else SQLITE_CHUNK
    subjects: set[int] = set()
    listed: set[int] = set()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for start in range(0, len(codes), size):
            chunk = codes[start : start + size]
            if postgres:
                condition, array = _any("s.uscc", chunk)
                cursor.execute(sql + condition, [*params, *array])
            else:
                where = "s.uscc IN (" + ", ".join(["%s"] * len(chunk)) + ")"
                cursor.execute(sql + where, [*params, *chunk])
            for subject_id, _code, list_code, *_rest in cursor.fetchall():
                subjects.add(subject_id)
                if list_code is not None:
                    listed.add(subject_id)
    seconds = time.perf_counter() - started
    return {
        "subjects": len(codes),
        "seconds": round(seconds, 3),
        "subjects_per_s": round(len(codes) / seconds),
        "matched": len(subjects),
        "listed": len(listed),
    }


def _compression(encoded: bytes) -> dict[str, Any]:
    levels = {}
    for level in (1, 3, 6):
        started = time.perf_counter()
        size = len(zlib.compress(encoded, level))
        levels[str(level)] = {
            "seconds": round(time.perf_counter() - started, 3),
            "mb": round(size / 1e6, 2),
        }
    return {"json_mb": round(len(encoded) / 1e6, 2), "levels": levels}


def _figures(count: int, times: list[float]) -> dict[str, Any]:
    ordered = sorted(times)
    best, median = ordered[0], ordered[len(ordered) // 2]
    return {
        "subjects": count,
        "seconds": round(best, 3),
        "median_seconds": round(median, 3),
        "subjects_per_s": round(count / best),
        "median_subjects_per_s": round(count / median),
        "runs": [round(t, 3) for t in times],
    }


def batch(count: int, seed: int, repeat: int, profile: Path | None) -> dict[str, Any]:
    """Each scene's check and the bare join, `repeat` rounds; best and median of each."""
    import gc

    from django.utils import timezone

    from xinyong.core.audit import Actor
    from xinyong.lists.checks import SubjectQuery, run_check
    from xinyong.subjects.services import find_unit

    unit = find_unit(CHECKING_UNIT)
    actor = Actor("cli:bench", unit.code)
    codes = draw_codes(count, seed)
    today = timezone.localdate()

    def check(scene: str) -> Any:
        queries = [SubjectQuery(uscc=code) for code in codes]
        gc.collect()
        started = time.perf_counter()
        outcome = run_check(queries, scene_code=scene, purpose=PURPOSE, actor=actor, unit=unit)
        return outcome, time.perf_counter() - started

    run_check(
        [SubjectQuery(uscc=code) for code in codes[:WARM_UP_CODES]],
        scene_code=SCENES[0],
        purpose=PURPOSE,
        actor=actor,
        unit=unit,
    )
    times: dict[str, list[float]] = {scene: [] for scene in SCENES}
    joins: list[float] = []
    last: dict[str, Any] = {}
    join: dict[str, Any] = {}
    for _round in range(repeat):
        for scene in SCENES:
            last.pop(scene, None)
            outcome, seconds = check(scene)
            times[scene].append(seconds)
            last[scene] = outcome
        join = _bare_join(codes, today)
        joins.append(join["seconds"])
    scenes: dict[str, Any] = {}
    for scene in SCENES:
        outcome = last[scene]
        receipt = outcome.receipt
        scenes[scene] = {
            **_figures(count, times[scene]),
            "matched": receipt.matched_count,
            "listed": receipt.listed_count,
            "with_measures": sum(1 for r in outcome.results if r["measures"]),
            "with_incentives": sum(1 for r in outcome.results if r["incentives"]),
            "json_mb": round(len(outcome.results_json) / 1e6, 2),
            "stored_mb": round(len(receipt.results) / 1e6, 2),
        }
    result: dict[str, Any] = {
        "scenes": scenes,
        "compression": _compression(last[SCENES[-1]].results_json),
        "join": {**join, **_figures(count, joins)},
    }
    last.clear()
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        check(SCENES[0])
        profiler.disable()
        profiler.dump_stats(profile)
        result["profile"] = str(profile)
        result["profile_top"] = profile_summary(profile, count)
    return result


# --- single checks (child process, Django set up) -----------------------------------------


def prepare(count: int, seed: int) -> dict[str, Any]:
    """A `checks` token and `count` one-subject request bodies of random subjects."""
    from xinyong.accounts.tokens import create_token
    from xinyong.core.audit import Actor
    from xinyong.lists.checks import SubjectQuery, run_check
    from xinyong.lists.models import ListEntry
    from xinyong.subjects.services import find_unit

    _token, secret = create_token(CHECKING_UNIT, ["checks"], Actor("cli:bench"))
    codes = draw_codes(count, seed + 10)
    receipt = run_check(
        [SubjectQuery(uscc=codes[0])],
        scene_code=SCENES[0],
        purpose=PURPOSE,
        actor=Actor("cli:bench", CHECKING_UNIT),
        unit=find_unit(CHECKING_UNIT),
    ).receipt
    listed = set(
        ListEntry.objects.filter(subject__uscc__in=codes[:1000]).values_list(
            "subject__uscc", flat=True
        )
    )
    bodies = [
        json.dumps(
            {"scene": SCENES[0], "purpose": PURPOSE, "subjects": [{"uscc": code}]},
            ensure_ascii=False,
        )
        for code in codes
    ]
    return {
        "secret": secret,
        "receipt": receipt.reference,
        "bodies": bodies,
        "listed_share": round(sum(1 for c in codes[:1000] if c in listed) / min(1000, count), 3),
    }


def _child_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.checks")
    sub = parser.add_subparsers(dest="action", required=True)
    loader = sub.add_parser("load", help="write subjects, entries and records")
    loader.add_argument("--subjects", type=int, required=True)
    loader.add_argument("--entries", type=int, required=True)
    loader.add_argument("--records", type=int, required=True)
    batcher = sub.add_parser("batch", help="time run_check and the bare join")
    batcher.add_argument("--batch", type=int, required=True)
    batcher.add_argument("--repeat", type=int, default=DEFAULT_REPEAT)
    batcher.add_argument("--profile", type=Path)
    preparer = sub.add_parser("prepare", help="a token and request bodies")
    preparer.add_argument("--requests", type=int, required=True)
    for sub_parser in (loader, batcher, preparer):
        sub_parser.add_argument("--seed", type=int, default=2019)
        sub_parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
    import django

    django.setup()
    if args.action == "load":
        outcome = load(args.subjects, args.entries, args.records, args.seed)
    elif args.action == "batch":
        outcome = batch(args.batch, args.seed, args.repeat, args.profile)
    else:
        outcome = prepare(args.requests, args.seed)
    args.result.write_text(json.dumps(outcome, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
