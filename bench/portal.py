"""Subject page benchmark: concurrent clients on a real threaded WSGI server.

`python -m bench --only portal [--db sqlite|postgres|both] [--page-subjects N]
[--page-rows N] [--page-clients C] [--page-requests R] [--page-workers W]`

1. For each database a fresh state, set up as `bench.ingest` does it (SQLite: a var
   directory; PostgreSQL: a throwaway cluster): keys, migrate, the policy pack; then
   `xinyong demo-data --subjects N` and a generated penalty file of R rows
   (`bench.ingest`'s generator, same seed, so its subjects are the first of the demo
   subjects) imported with `xinyong import` through the real pipeline.
2. A child process (`python -m bench.portal codes`) draws the addresses of random
   subjects that have public records (the pages a visitor would open), through
   `records.visibility` and `portal.links`.
3. gunicorn serves the project, as in production: W sync worker processes
   (`--page-workers`, default one per core) on a socket this process binds; the
   production settings (DEBUG off), rate limits off (the clients all come from 127.0.0.1).
4. C client threads in this process fetch, with urllib, first a static file served by the
   same server through WhiteNoise (the reference: the server's own cost under the same
   concurrency), then the subject pages, each address once. Latency is measured per
   request from sending to the last byte; any status but 200 counts as an error.
5. A table with p50 / p95 / max in ms beside the reference, and var/bench/portal.json
   (under XINYONG_VAR_DIR when set). The goal is a subject-page p95 of at most 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import format_table
from bench.ingest import ROOT, UNIT, _child, _run, _xinyong, database_env, log

DEFAULT_SUBJECTS = 100_000
DEFAULT_ROWS = 100_000
DEFAULT_CLIENTS = 20
DEFAULT_REQUESTS = 2_000
GOAL_P95_MS = 100.0
REFERENCE_PATH = "/static/portal/site.css"
WARM_UP = 100
# One worker per core, as a sync server is deployed; the clients share the same cores.
DEFAULT_WORKERS = os.cpu_count() or 2
BACKLOG = 256  # the clients connect at once; a short queue would refuse some
SERVER_START_SECONDS = 60.0
REQUEST_TIMEOUT = 30.0


# --- load generation (this process) ----------------------------------------------------


@dataclass
class Run:
    """The latencies (ms) and failures of one phase."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, milliseconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.append(milliseconds)
            if error is not None:
                self.errors[error] = self.errors.get(error, 0) + 1

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def at(share: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)

        return {
            "requests": len(ordered),
            "p50_ms": at(0.50),
            "p95_ms": at(0.95),
            "max_ms": round(ordered[-1], 2),
            "requests_per_s": round(len(ordered) / self.seconds, 1) if self.seconds else 0,
            "errors": dict(self.errors),
        }


def _fetch(url: str) -> tuple[float, str | None]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    except OSError as error:
        return (time.perf_counter() - started) * 1000, type(error).__name__
    milliseconds = (time.perf_counter() - started) * 1000
    return milliseconds, None if status == 200 else f"HTTP {status}"


def load(base: str, paths: list[str], clients: int) -> Run:
    """Fetch every path once with `clients` threads, each taking the next path in turn."""
    run = Run()
    queue = iter(paths)
    take = threading.Lock()

    def client() -> None:
        while True:
            with take:
                path = next(queue, None)
            if path is None:
                return
            run.note(*_fetch(base + path))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    return run


# --- orchestration (this process) ------------------------------------------------------


def _populate(work: Path, env: dict[str, str], label: str, args: argparse.Namespace) -> None:
    subjects, seed = str(args.page_subjects), str(args.seed)
    _run(
        _xinyong("demo-data", "--skip-checks", "--subjects", subjects, "--seed", seed),
        env,
        f"{label}: demo-data {args.page_subjects:,}",
    )
    csv_path = work / f"{label}-penalties.csv"
    rows = str(args.page_rows)
    _child(env, f"{label} generate", "generate", str(csv_path), "--rows", rows, "--seed", seed)
    _run(
        _xinyong("import", "--skip-checks", str(csv_path), "--type", "penalty", "--unit", UNIT),
        env,
        f"{label}: import {args.page_rows:,} penalty rows",
    )
    csv_path.unlink(missing_ok=True)


def _portal_child(env: dict[str, str], *args: str) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result = Path(handle.name)
    try:
        command = [sys.executable, "-m", "bench.portal", *args, "--result", str(result)]
        completed = subprocess.run(command, env=env, cwd=ROOT, check=False)
        if completed.returncode != 0:
            raise SystemExit(f"{args[0]} failed with exit status {completed.returncode}")
        outcome: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
        return outcome
    finally:
        result.unlink(missing_ok=True)


@contextmanager
def _server(env: dict[str, str], work: Path, workers: int) -> Iterator[str]:
    """gunicorn with `workers` sync worker processes, as in production; yields the base URL.

    The listening socket is bound here and handed to gunicorn (`fd://`), so the port is
    known before the server starts and nothing races for it.
    """
    server_env = {**env, "XINYONG_PORTAL_RATE_LIMIT": "0", "XINYONG_DEBUG": "false"}
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(BACKLOG)
    port = listener.getsockname()[1]
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--bind", f"fd://{listener.fileno()}",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--backlog", str(BACKLOG),
        "--log-level", "warning",
        "xinyong.wsgi:application",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=server_env, cwd=ROOT, pass_fds=[listener.fileno()])
    listener.close()
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_serving(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while _fetch(base + REFERENCE_PATH)[1] is not None:
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the server did not start")
        time.sleep(0.2)


def benchdatabase_env(work: Path, database: str, args: argparse.Namespace) -> dict[str, Any]:
    with database_env(work, database, args.settings) as env:
        _populate(work, env, database, args)
        drawn = _portal_child(
            env, "codes", "--count", str(args.page_requests), "--seed", str(args.seed)
        )
        paths = [f"/subjects/{code}/" for code in drawn["codes"]]
        log(f"{database}: {len(paths):,} subject pages of {drawn['with_public_records']:,}")
        with _server(env, work, args.page_workers) as base:
            load(base, [REFERENCE_PATH] * WARM_UP + paths[:WARM_UP], args.page_clients)
            log(f"{database}: reference, {args.page_clients} clients")
            reference = load(base, [REFERENCE_PATH] * len(paths), args.page_clients)
            log(f"{database}: subject pages, {args.page_clients} clients")
            pages = load(base, paths, args.page_clients)
    subject = pages.summary()
    return {
        "database": database,
        "data": {key: value for key, value in drawn.items() if key != "codes"},
        "clients": args.page_clients,
        "server_processes": args.page_workers,
        "reference": reference.summary(),
        "subject_page": subject,
        "goal_p95_ms": GOAL_P95_MS,
        "goal_met": subject["p95_ms"] <= GOAL_P95_MS and not subject["errors"],
    }


def table(results: list[dict[str, Any]]) -> str:
    header = ("database", "page", "requests", "p50 ms", "p95 ms", "max ms", "req/s", "errors")
    lines = [header]
    for result in results:
        for name, key in (("static file (reference)", "reference"), ("subject", "subject_page")):
            row = result[key]
            lines.append(
                (
                    result["database"],
                    name,
                    f"{row['requests']:,}",
                    f"{row['p50_ms']:.1f}",
                    f"{row['p95_ms']:.1f}",
                    f"{row['max_ms']:.1f}",
                    f"{row['requests_per_s']:,.0f}",
                    str(sum(row["errors"].values())),
                )
            )
    return format_table(lines, left=2)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--page-subjects",
        type=int,
        default=DEFAULT_SUBJECTS,
        help=f"portal: demo subjects (default {DEFAULT_SUBJECTS:,})",
    )
    parser.add_argument(
        "--page-rows",
        type=int,
        default=DEFAULT_ROWS,
        help=f"portal: penalty rows imported for them (default {DEFAULT_ROWS:,})",
    )
    parser.add_argument(
        "--page-clients",
        type=int,
        default=DEFAULT_CLIENTS,
        help=f"portal: concurrent clients (default {DEFAULT_CLIENTS})",
    )
    parser.add_argument(
        "--page-requests",
        type=int,
        default=DEFAULT_REQUESTS,
        help=f"portal: subject pages fetched, one per subject (default {DEFAULT_REQUESTS:,})",
    )
    parser.add_argument(
        "--page-workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"portal: gunicorn sync worker processes (default {DEFAULT_WORKERS})",
    )


def main(args: argparse.Namespace) -> int:
    sizes = (args.page_subjects, args.page_rows, args.page_clients, args.page_requests)
    if min(*sizes, args.page_workers) < 1:
        raise SystemExit("the --page-* options must be at least 1")
    out_dir = Path(os.environ.get("XINYONG_VAR_DIR") or ROOT / "var") / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="xinyong-bench-portal-"))
    databases = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    log(f"portal: {args.page_subjects:,} subjects, {args.page_rows:,} penalties; {work}")
    try:
        results = [benchdatabase_env(work, database, args) for database in databases]
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    report = {
        "benchmark": "portal",
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "subjects": args.page_subjects,
        "penalty_rows": args.page_rows,
        "seed": args.seed,
        "python": sys.version.split()[0],
        "settings": args.settings,
        "server": f"gunicorn, {args.page_workers} sync worker process(es)",
        "results": results,
    }
    target = out_dir / "portal.json"
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(
        f"\nportal: subject pages with {args.page_clients} concurrent clients, each page a "
        "different random subject with public records; reference = a static file served by "
        f"the same server; goal p95 ≤ {GOAL_P95_MS:.0f} ms"
    )
    print(table(results))
    print(f"\nresults: {target}")
    return 0


# --- child entry points (Django set up) ------------------------------------------------


def draw_codes(count: int, seed: int) -> dict[str, Any]:
    """Addresses of `count` random subjects with public records (repeats if fewer)."""
    from xinyong.portal.links import subject_code
    from xinyong.records.models import CreditRecord
    from xinyong.records.visibility import public_records
    from xinyong.subjects.models import Subject

    ids = sorted(set(public_records().values_list("subject_id", flat=True)))
    if not ids:
        raise SystemExit("no subject has a public record")
    rng = random.Random(seed)
    chosen = rng.sample(ids, count) if count <= len(ids) else rng.choices(ids, k=count)
    subjects = Subject.objects.in_bulk(set(chosen))
    return {
        "subjects": Subject.objects.count(),
        "records": CreditRecord.objects.count(),
        "public_records": public_records().count(),
        "with_public_records": len(ids),
        "codes": [subject_code(subjects[pk]) for pk in chosen],
    }


def _child_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.portal")
    sub = parser.add_subparsers(dest="action", required=True)
    codes = sub.add_parser("codes", help="draw subject addresses")
    codes.add_argument("--count", type=int, required=True)
    codes.add_argument("--seed", type=int, default=2019)
    codes.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
    import django

    django.setup()
    outcome = draw_codes(args.count, args.seed)
    args.result.write_text(json.dumps(outcome, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
