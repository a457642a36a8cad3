"""Running an evaluation: pick the scheme, run its expression on an engine, keep the run.

Each run is numbered per scheme and keeps every subject's score, grade and indicator
values; its digest (SHA-256 over subject, score and grade in subject order) makes two
runs comparable at a glance, whatever engine produced them. Subjects whose grade differs
from the scheme's previous run are counted, and one outbox message per run announces
them (`evaluation.grades_changed`), for the exchange work to deliver.

A run reads first and writes after: the engine's rows are tallied (digest, grades,
changes) into compact tuples in a read transaction (`engines.reading`), then stored in
one short transaction with the driver's bulk path (COPY on PostgreSQL, executemany on
SQLite), not the ORM. On SQLite, whose Django transactions take the write lock, imports
and objections wait for the storing only (6 s at a million subjects), not for the query.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core import audit
from xinyong.core.errors import InvalidInput, NotFound
from xinyong.evaluation import engines, expressions
from xinyong.evaluation.models import EvaluationResult, EvaluationRun
from xinyong.exchange import outbox
from xinyong.policy import schema
from xinyong.policy.models import Rule
from xinyong.policy.rules import active_rules, in_force

Engine = EvaluationRun.Engine
# What `_store` writes, in this order (a test checks it covers every column but the id).
RESULT_COLUMNS = ("run_id", "subject_id", "score", "grade", "values")
# (subject id, score, grade, indicator values as JSON text): ~220 bytes a subject, held
# from the query to the storing (peak 330 MB at a million subjects, 120 MB for the query).
Result = tuple[int, float, str, str]
STORE_CHUNK = 10_000
# The indicator values as `EvaluationResult.values` reads them back: a JSON list. One
# encoder for the run (json.dumps with separators builds one per call: +0.5 s a million).
_to_json = json.JSONEncoder(separators=(",", ":")).encode


def find_scheme(key: str, day: date) -> tuple[Rule, schema.EvaluationSchemeRule]:
    for scheme in active_rules("evaluation_scheme"):
        if scheme.key == key and in_force(scheme, day):
            return Rule.objects.get(key=key, active=True), scheme
    known = [scheme.key for scheme in active_rules("evaluation_scheme")]
    raise NotFound(
        "evaluation.unknown_scheme",
        _("没有在%(day)s有效的评价方案“%(key)s”；可选：%(known)s"),
        params={"key": key, "day": day.isoformat(), "known": "、".join(known) or "-"},
    )


def evaluate(
    key: str, *, actor: audit.Actor, engine: str = Engine.DB, today: date | None = None
) -> EvaluationRun:
    today = today or timezone.localdate()
    if engine not in Engine.values:
        raise InvalidInput(
            "evaluation.engine", _("引擎应为 db 或 spark"), params={}, field="engine"
        )
    rule, scheme = find_scheme(key, today)
    expr = expressions.expression(scheme, today, expressions.Ids.load())
    run = EvaluationRun.objects.create(
        scheme=key,
        number=(EvaluationRun.objects.filter(scheme=key).aggregate(n=Max("number"))["n"] or 0) + 1,
        rule=rule,
        engine=engine,
        on=today,
        status=EvaluationRun.Status.RUNNING,
        started_at=timezone.now(),
        actor=actor.label,
    )
    try:
        with engines.reading():
            previous = _previous_grades(run)
            rows = (
                engines.run_in_database(expr) if engine == Engine.DB else engines.run_on_spark(expr)
            )
            # Closed here, whatever happens: a server-side cursor left to the garbage
            # collector would be closed after its transaction has ended.
            with closing(rows):
                tally = _tally(rows, previous)
        # Nothing is written before this: a failure above leaves no results to remove,
        # one in here rolls them all back.
        with transaction.atomic():
            _store(run, tally.results)
            _finish(run, tally, actor)
    except Exception as exc:
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=EvaluationRun.Status.FAILED, failure=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return run


@dataclass
class Tally:
    results: list[Result] = field(default_factory=list)
    digest: Any = field(default_factory=hashlib.sha256)
    grades: Counter[str] = field(default_factory=Counter)
    changed: int = 0


def _tally(rows: Iterable[tuple[Any, ...]], previous: dict[int, str] | None) -> Tally:
    tally = Tally()
    digest, grades, results = tally.digest, tally.grades, tally.results
    codes: dict[str, str] = {}
    for subject_id, *values, score, grade in rows:
        score = round(float(score), 4)
        grade = codes.setdefault(grade, grade)  # one string per grade, not per subject
        digest.update(f"{subject_id}|{score:.4f}|{grade}\n".encode())
        grades[grade] += 1
        if previous is not None and previous.get(subject_id) != grade:
            tally.changed += 1
        measured = _to_json([round(float(v), 4) for v in values])
        results.append((subject_id, score, grade, measured))
    return tally


def _store(run: EvaluationRun, results: list[Result]) -> None:
    """Write the results with the driver inside the current transaction: a million rows
    through `bulk_create` took 38 s on SQLite and 56 s on PostgreSQL."""
    table = connection.ops.quote_name(EvaluationResult._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in RESULT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Text COPY: PostgreSQL parses the values' JSON text into jsonb itself.
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for result in results:
                    copy.write_row((run.pk, *result))
            return
        insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join('%s' for _ in RESULT_COLUMNS)})"
        for start in range(0, len(results), STORE_CHUNK):
            chunk = results[start : start + STORE_CHUNK]
            cursor.executemany(insert, [(run.pk, *result) for result in chunk])


def _finish(run: EvaluationRun, tally: Tally, actor: audit.Actor) -> None:
    changed = tally.changed
    run.subjects, run.grades, run.changed = sum(tally.grades.values()), dict(tally.grades), changed
    run.digest, run.status = tally.digest.hexdigest(), EvaluationRun.Status.DONE
    run.finished_at = timezone.now()
    run.save()
    audit.record(
        "xinyong.evaluation.run",
        actor,
        run,
        {
            "scheme": run.scheme,
            "number": run.number,
            "engine": run.engine,
            "on": run.on.isoformat(),
            "subjects": run.subjects,
            "grades": run.grades,
            "changed": changed,
            "digest": run.digest,
        },
    )
    if changed:
        outbox.enqueue(
            f"evaluation:{run.scheme}:{run.number}",
            "evaluation.grades_changed",
            {"scheme": run.scheme, "run": run.number, "on": run.on.isoformat(), "changed": changed},
        )


def _previous_grades(run: EvaluationRun) -> dict[int, str] | None:
    """Subject → grade in the scheme's latest finished run before this one (None: first)."""
    before = (
        EvaluationRun.objects.filter(
            scheme=run.scheme, status=EvaluationRun.Status.DONE, number__lt=run.number
        )
        .order_by("-number")
        .first()
    )
    if before is None:
        return None
    return dict(before.results.values_list("subject_id", "grade").iterator(chunk_size=50_000))
