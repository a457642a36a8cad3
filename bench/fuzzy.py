"""Fuzzy name lookup benchmark: `search.fuzzy.candidates` over N generated subjects.

`python -m bench --only fuzzy [--fuzzy-subjects N] [--fuzzy-queries Q] [--db sqlite|postgres|both]`

1. For each database a fresh state with N subjects written and indexed exactly as the
   search benchmark does it (`bench.search.load_subjects`: same generator, same seed).
2. A child process (`python -m bench.fuzzy query`) draws Q subjects at random (persons
   are not indexed, so not drawn) and changes one character of each name: a position
   chosen uniformly, the replacement a random character of GB 2312 level 1 (the 3,755
   most common) other than the one there. Also Q/4 names with two characters changed
   (no goal: the slower shared-gram path).
3. After WARM_UP other queries (the gram-frequency cache fills as in a running process)
   it times each query once, one after another in one process: queries/s is per core.
   A query is found when a name among the top three candidates is the original name
   (generated names repeat, so several subjects can bear it); "subject" counts only the
   original subject itself.
4. Reference, in the same process on the first REFERENCE queries: the plain SQL a
   developer might write without the index, one `name LIKE` per position with `_` in
   place of that character, ORDER BY id LIMIT 3 (finds changed characters only).
5. A table and var/bench/fuzzy.json (under XINYONG_VAR_DIR when set). The goal is
   ≥ 200 queries/s per core and top-3 recall ≥ 95 % with one character changed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import format_table
from bench.ingest import ROOT, database_env, log
from bench.search import child, load_subjects, percentiles

DEFAULT_SUBJECTS = 1_000_000
DEFAULT_QUERIES = 2_000
WARM_UP = 200
REFERENCE = 20
LIMIT = 3
GOAL_RATE = 200.0
GOAL_RECALL = 0.95


# --- orchestration (this process) ------------------------------------------------------


def bench_database(work: Path, database: str, args: argparse.Namespace) -> dict[str, Any]:
    with database_env(work, database, args.settings) as env:
        loaded = load_subjects(env, database, args.fuzzy_subjects, args.seed)
        log(f"{database}: {args.fuzzy_queries:,} fuzzy lookups")
        queried = child(
            env,
            f"{database} fuzzy",
            "query",
            "--queries",
            str(args.fuzzy_queries),
            "--seed",
            str(args.seed),
            module="bench.fuzzy",
        )
    return {"database": database, "load": loaded, "lookups": queried["lookups"]}


def table(results: list[dict[str, Any]]) -> str:
    header = ("database", "lookup", "queries", "q/s", "p50 ms", "p95", "max", "top-3", "subject")
    lines = [header]
    for result in results:
        for label, figures in result["lookups"].items():
            ms = figures["ms"]
            lines.append(
                (
                    result["database"],
                    label,
                    f"{figures['queries']:,}",
                    f"{figures['per_second']:,.0f}",
                    *(f"{ms[k]:.1f}" for k in ("p50", "p95", "max")),
                    f"{figures['recall'] * 100:.1f} %",
                    f"{figures['subject_recall'] * 100:.1f} %",
                )
            )
    return format_table(lines, left=2)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fuzzy-subjects",
        type=int,
        default=DEFAULT_SUBJECTS,
        help=f"subjects to generate for the fuzzy lookup (default {DEFAULT_SUBJECTS:,})",
    )
    parser.add_argument(
        "--fuzzy-queries",
        type=int,
        default=DEFAULT_QUERIES,
        help=f"names with one character changed to look up (default {DEFAULT_QUERIES:,})",
    )


def main(args: argparse.Namespace) -> int:
    if args.fuzzy_subjects < 1 or args.fuzzy_queries < 1:
        raise SystemExit("--fuzzy-subjects and --fuzzy-queries must be at least 1")
    out_dir = Path(os.environ.get("XINYONG_VAR_DIR") or ROOT / "var") / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="xinyong-bench-fuzzy-"))
    databases = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    log(f"fuzzy: {args.fuzzy_subjects:,} subjects on {', '.join(databases)}; work directory {work}")
    try:
        results = [bench_database(work, database, args) for database in databases]
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    report = {
        "benchmark": "fuzzy",
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "subjects": args.fuzzy_subjects,
        "queries": args.fuzzy_queries,
        "seed": args.seed,
        "python": sys.version.split()[0],
        "goal": {"per_second": GOAL_RATE, "recall": GOAL_RECALL},
        "results": results,
    }
    target = out_dir / "fuzzy.json"
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(
        f"\nfuzzy: {args.fuzzy_subjects:,} subjects; names with 1 or 2 characters changed "
        f"(a uniform position, a random common character) looked up one after another in "
        f"one process (q/s = per core) after {WARM_UP} warm-up lookups; top-3: the original "
        "name among the top 3 candidates; subject: the original subject itself. Reference: "
        f"name LIKE with '_' at each position, ORDER BY id LIMIT 3, on {REFERENCE} queries"
    )
    print(table(results))
    for result in results:
        one = result["lookups"]["1 changed"]
        met = one["per_second"] >= GOAL_RATE and one["recall"] >= GOAL_RECALL
        print(
            f"{result['database']}: goal ≥ {GOAL_RATE:.0f} q/s and top-3 ≥ "
            f"{GOAL_RECALL:.0%} with one character changed: {'met' if met else 'NOT met'}"
        )
    print(f"\nresults: {target}")
    return 0


# --- querying (child process, Django set up) --------------------------------------------


def common_characters() -> list[str]:
    """GB 2312 level 1: the 3,755 most common Chinese characters."""
    found = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                found.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # the end of row 0xD7 is unassigned
    return found


def changed(name: str, count: int, rng: random.Random, characters: list[str]) -> str:
    """`name` with `count` characters, at distinct uniform positions, replaced."""
    text = list(name)
    for position in rng.sample(range(len(text)), min(count, len(text))):
        replacement = rng.choice(characters)
        while replacement == text[position]:
            replacement = rng.choice(characters)
        text[position] = replacement
    return "".join(text)


Drawn = list[tuple[int, str, str]]  # (subject id, original name, query)


def draw(subjects: list[tuple[int, str]], count: int, changes: int, rng: random.Random) -> Drawn:
    characters = common_characters()
    drawn = []
    for _ in range(count):
        pk, name = rng.choice(subjects)
        drawn.append((pk, name, changed(name, changes, rng, characters)))
    return drawn


def _time_fuzzy(drawn: Drawn) -> dict[str, Any]:
    from xinyong.search.fuzzy import candidates
    from xinyong.search.text import normalise

    times, names, subjects, found = [], 0, 0, 0
    started = time.perf_counter()
    for pk, name, query in drawn:
        began = time.perf_counter()
        top = candidates(query, LIMIT)
        times.append((time.perf_counter() - began) * 1000)
        found += bool(top)
        names += normalise(name) in {normalise(c.name) for c in top}
        subjects += pk in {c.subject_id for c in top}
    return _figures(len(drawn), time.perf_counter() - started, times, names, subjects, found)


def _time_like(drawn: Drawn) -> dict[str, Any]:
    from django.db import connection

    times, names, subjects, found = [], 0, 0, 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for pk, name, query in drawn:
            patterns = [
                f"{_escaped(query[:i])}_{_escaped(query[i + 1 :])}" for i in range(len(query))
            ]
            likes = " OR ".join(["name LIKE %s ESCAPE '\\'"] * len(patterns))
            sql = (
                f"SELECT id, name FROM subjects_subject WHERE kind <> 'person' AND ({likes}) "
                f"ORDER BY id LIMIT {LIMIT}"
            )
            began = time.perf_counter()
            cursor.execute(sql, patterns)
            rows = cursor.fetchall()
            times.append((time.perf_counter() - began) * 1000)
            found += bool(rows)
            names += name in {row[1] for row in rows}
            subjects += pk in {row[0] for row in rows}
    return _figures(len(drawn), time.perf_counter() - started, times, names, subjects, found)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _figures(
    count: int, seconds: float, times: list[float], names: int, subjects: int, found: int
) -> dict[str, Any]:
    return {
        "queries": count,
        "seconds": round(seconds, 2),
        "per_second": round(count / seconds, 1),
        "ms": percentiles(times),
        "recall": round(names / count, 4),
        "subject_recall": round(subjects / count, 4),
        "with_candidates": round(found / count, 4),
    }


def query(count: int, seed: int) -> dict[str, Any]:
    from xinyong.subjects.models import Subject

    rng = random.Random(seed)
    subjects = list(Subject.objects.exclude(kind="person").values_list("pk", "name"))
    one = draw(subjects, count, 1, rng)
    two = draw(subjects, max(1, count // 4), 2, rng)
    warm_up = draw(subjects, WARM_UP, 1, rng)
    del subjects
    gc.collect()
    _time_fuzzy(warm_up)
    return {
        "lookups": {
            "1 changed": _time_fuzzy(one),
            "2 changed": _time_fuzzy(two),
            "reference: LIKE, 1 changed": _time_like(one[:REFERENCE]),
        }
    }


def _child_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fuzzy")
    sub = parser.add_subparsers(dest="action", required=True)
    querier = sub.add_parser("query", help="time the fuzzy lookups")
    querier.add_argument("--queries", type=int, required=True)
    querier.add_argument("--seed", type=int, default=2019)
    querier.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
    import django

    django.setup()
    outcome = query(args.queries, args.seed)
    args.result.write_text(json.dumps(outcome, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
