"""Running an evaluation: pick the scheme, run its expression on an engine, keep the run.

Each run is numbered per scheme and keeps every subject's score, grade and indicator
values; its digest (SHA-256 over subject, score and grade in subject order) makes two
runs comparable at a glance, whatever engine produced them. Subjects whose grade differs
from the scheme's previous run are counted, and one outbox message per run announces
them (`evaluation.grades_changed`), for the exchange work to deliver.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
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

BATCH = 5000
Engine = EvaluationRun.Engine


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
        with transaction.atomic():
            rows = (
                engines.run_in_database(expr) if engine == Engine.DB else engines.run_on_spark(expr)
            )
            _keep(run, scheme, rows, actor)
    except Exception as exc:
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=EvaluationRun.Status.FAILED, failure=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return run


def _keep(
    run: EvaluationRun,
    scheme: schema.EvaluationSchemeRule,
    rows: Iterable[tuple[Any, ...]],
    actor: audit.Actor,
) -> None:
    previous = _previous_grades(run)
    digest = hashlib.sha256()
    grades: Counter[str] = Counter()
    changed = 0
    batch: list[EvaluationResult] = []
    for subject_id, *values, score, grade in rows:
        score = round(float(score), 4)
        digest.update(f"{subject_id}|{score:.4f}|{grade}\n".encode())
        grades[grade] += 1
        if previous is not None and previous.get(subject_id) != grade:
            changed += 1
        batch.append(
            EvaluationResult(
                run=run,
                subject_id=subject_id,
                score=score,
                grade=grade,
                values=[round(float(v), 4) for v in values],
            )
        )
        if len(batch) >= BATCH:
            EvaluationResult.objects.bulk_create(batch)
            batch = []
    EvaluationResult.objects.bulk_create(batch)
    run.subjects, run.grades, run.changed = sum(grades.values()), dict(grades), changed
    run.digest, run.status = digest.hexdigest(), EvaluationRun.Status.DONE
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
