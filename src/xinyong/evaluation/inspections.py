"""Random inspection draws by grade (双随机、一公开: random subjects, random inspectors,
results made public).

A draw, for one supervising unit and one evaluation scheme:

1. The population is the subjects the unit supervises: by default every active subject
   of the scheme's kinds with at least one credit record the unit reported (of any type
   or status: a record is the trace of supervision the platform holds), or the subject
   ids the caller gives.
2. The grades are those of the scheme's latest finished run on or before the draw day.
   Subjects without a result in that run (registered since) are left out of the draw
   and counted (`unrated`): refusing them would block every draw until the next run,
   grading them by guess would be wrong; the next run's draw includes them.
3. Per grade, in the scheme's order, the pack's share (`inspect`) of the grade's
   subjects is drawn, rounded up: ceil(share × count), counted in decimals so that
   0.07 × 100 is 7, not 8. A share of 1 draws every subject of the grade.
4. The sample of a grade is a seeded shuffle of its subject ids, sorted, with
   `random.Random(f"{seed}:{grade}")`: the same seed, population and run give the same
   sample on any machine. The shuffle is ours (Fisher–Yates over `random()`), because
   Python guarantees only `random()`'s sequence across versions, not `sample()`'s.
5. Inspectors are shuffled with `random.Random(f"{seed}:inspectors")` and assigned
   round-robin over the items, so loads differ by at most one.
6. The draw, its items and an audit event (`xinyong.evaluation.inspection_drawn`, with
   the seed, the run, the population digest and the counts) are written together.

Inspection results come back as `inspection-result` records through the normal import;
`record_results` links each item to the first one about its subject, from the draw's
unit, decided on or after the draw day.
"""

from __future__ import annotations

import hashlib
import math
import random
import secrets
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core import audit
from xinyong.core.errors import Conflict, InvalidInput, NotFound
from xinyong.evaluation.models import (
    EvaluationResult,
    EvaluationRun,
    InspectionDraw,
    InspectionItem,
)
from xinyong.evaluation.runs import find_scheme
from xinyong.policy import schema
from xinyong.records.models import CreditRecord
from xinyong.subjects.models import Subject, Unit

# The catalogue's record type for inspection results (policies/*/catalogue.yaml).
RESULT_TYPE = "inspection-result"
CHUNK = 5000
T = TypeVar("T")


def population(unit: Unit, kinds: Iterable[str]) -> list[int]:
    """The ids, sorted, of the active subjects of `kinds` the unit reported a record on."""
    ids = (
        CreditRecord.objects.filter(unit=unit, subject__kind__in=list(kinds))
        .filter(subject__status=Subject.Status.ACTIVE)
        .values_list("subject_id", flat=True)
        .distinct()
    )
    return sorted(set(ids))


def draw(
    unit: Unit,
    *,
    scheme: str,
    seed: str | int | None,
    inspectors: Sequence[str],
    actor: audit.Actor,
    subjects: Iterable[int] | None = None,
    today: date | None = None,
) -> InspectionDraw:
    """Draw the unit's subjects for inspection by grade (see the module's steps).
    `seed` None draws a fresh one, kept with the draw like any other."""
    today = today or timezone.localdate()
    seed = _seed(seed)
    labels = _inspectors(inspectors)
    _rule, spec = find_scheme(scheme, today)
    run = _latest_run(scheme, today)
    ids = _explicit(subjects) if subjects is not None else population(unit, spec.subject_kinds)
    grades = _grades(run, ids)
    ratios = {grade.code: grade.inspect for grade in spec.grades}
    _check(unit, run, ids, grades, ratios, field="subjects" if subjects is not None else "unit")
    frame = sorted(grades)
    by_grade = {code: sorted(pk for pk in frame if grades[pk] == code) for code in ratios}
    sample = [
        (code, pk)
        for code, pks in by_grade.items()
        for pk in _sample(seed, code, pks, ratios[code])
    ]
    shuffled = _shuffled(random.Random(f"{seed}:inspectors"), labels)
    with transaction.atomic():
        made = InspectionDraw.objects.create(
            unit=unit,
            run=run,
            seed=seed,
            on=today,
            population=len(frame),
            unrated=len(ids) - len(frame),
            population_digest=digest(frame),
            ratios=ratios,
            counts=_counts(spec, by_grade, sample),
            inspectors=labels,
            drawn_at=timezone.now(),
            actor=actor.label,
        )
        InspectionItem.objects.bulk_create(
            InspectionItem(
                draw=made,
                position=position,
                subject_id=pk,
                grade=code,
                inspector=shuffled[(position - 1) % len(shuffled)],
            )
            for position, (code, pk) in enumerate(sample, start=1)
        )
        audit.record("xinyong.evaluation.inspection_drawn", actor, made, _audit_data(made))
    return made


def sample_size(share: float, count: int) -> int:
    """ceil(share × count), in decimals (a share such as 0.07 is not exact in binary)."""
    return math.ceil(Decimal(str(share)) * count)


def digest(ids: Iterable[int]) -> str:
    """SHA-256 over the subject ids, sorted, one a line."""
    text = "".join(f"{pk}\n" for pk in sorted(ids))
    return hashlib.sha256(text.encode()).hexdigest()


def record_results(draw: InspectionDraw, *, actor: audit.Actor | None = None) -> int:
    """Link each item still waiting to its inspection result: the first (by decision
    date) live `inspection-result` record about its subject, reported by the draw's
    unit, decided on or after the draw day, and not yet linked to another item.
    Returns how many items were linked; audited when any was. The items are locked, the
    records are not: two draws of one subject linked at the same moment could take the
    same record, so `xinyong inspections results` links draws one after another."""
    with transaction.atomic():
        waiting = {
            item.subject_id: item
            for item in draw.items.select_for_update().filter(result_record__isnull=True)
        }
        found: dict[int, int] = {}
        for chunk in _chunks(sorted(waiting)):
            candidates = (
                CreditRecord.objects.filter(
                    record_type__code=RESULT_TYPE,
                    unit_id=draw.unit_id,
                    subject_id__in=chunk,
                    decision_date__gte=draw.on,
                    inspection_items__isnull=True,
                )
                .exclude(status=CreditRecord.Status.REVOKED)
                .order_by("decision_date", "id")
                .values_list("subject_id", "pk")
            )
            for subject_id, pk in candidates:
                found.setdefault(subject_id, pk)
        linked = [waiting[subject_id] for subject_id in found]
        for item in linked:
            item.result_record_id = found[item.subject_id]
        InspectionItem.objects.bulk_update(linked, ["result_record"])
        if linked:
            audit.record(
                "xinyong.evaluation.inspection_results",
                actor or audit.Actor.system(),
                draw,
                {
                    "reference": draw.reference,
                    "linked": {str(i.position): i.result_record_id for i in linked},
                    "waiting": len(waiting) - len(linked),
                },
            )
    return len(linked)


def find_draw(reference: str) -> InspectionDraw:
    found = (
        InspectionDraw.objects.select_related("unit", "run")
        .filter(reference=reference.strip().upper())
        .first()
    )
    if found is None:
        raise NotFound(
            "inspections.unknown_draw",
            _("没有编号为“%(ref)s”的随机抽查"),
            params={"ref": reference},
        )
    return found


# --- steps ------------------------------------------------------------------------------
def _seed(seed: str | int | None) -> str:
    text = secrets.token_hex(8) if seed is None else str(seed).strip()
    if not text or len(text) > 64:
        raise InvalidInput(
            "inspections.seed", _("随机种子应为 1 至 64 个字符"), params={}, field="seed"
        )
    return text


def _inspectors(names: Sequence[str]) -> list[str]:
    labels = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    if not labels:
        raise InvalidInput(
            "inspections.no_inspectors",
            _("至少需要一名检查人员"),
            params={},
            field="inspectors",
        )
    too_long = [label for label in labels if len(label) > 100]
    if too_long:
        raise InvalidInput(
            "inspections.inspector",
            _("检查人员名称不得超过 100 个字符：%(name)s"),
            params={"name": too_long[0][:20] + "…"},
            field="inspectors",
        )
    return labels


def _latest_run(scheme: str, today: date) -> EvaluationRun:
    run = (
        EvaluationRun.objects.filter(scheme=scheme, status=EvaluationRun.Status.DONE, on__lte=today)
        .order_by("-number")
        .first()
    )
    if run is None:
        raise Conflict(
            "inspections.no_run",
            _("评价方案“%(scheme)s”截至%(day)s没有已完成的评价批次，请先运行评价"),
            params={"scheme": scheme, "day": today.isoformat()},
        )
    return run


def _explicit(subjects: Iterable[int]) -> list[int]:
    ids = sorted(set(subjects))
    known: set[int] = set()
    for chunk in _chunks(ids):
        known.update(Subject.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    unknown = [pk for pk in ids if pk not in known]
    if unknown:
        raise InvalidInput(
            "inspections.unknown_subjects",
            _("没有这些主体：%(ids)s"),
            params={"ids": ", ".join(map(str, unknown[:10]))},
            field="subjects",
        )
    return ids


def _check(
    unit: Unit,
    run: EvaluationRun,
    ids: list[int],
    grades: dict[int, str],
    ratios: dict[str, float],
    *,
    field: str,
) -> None:
    """Refuse an empty population, or a run graded by grades the scheme no longer has."""
    if not ids:
        raise InvalidInput(
            "inspections.empty_population",
            _("%(unit)s 的抽查范围没有主体"),
            params={"unit": unit.code},
            field=field,
        )
    if not grades:
        raise InvalidInput(
            "inspections.empty_population",
            _("没有可抽查的主体：%(unit)s 的 %(count)d 个主体都不在评价批次 %(run)s 中"),
            params={"unit": unit.code, "count": len(ids), "run": str(run)},
            field=field,
        )
    stale = sorted(set(grades.values()) - set(ratios))
    if stale:
        raise Conflict(
            "inspections.stale_run",
            _("评价批次 %(run)s 的等级 %(grades)s 不在现行方案中，请先重新评价"),
            params={"run": str(run), "grades": "、".join(stale)},
        )


def _grades(run: EvaluationRun, ids: list[int]) -> dict[int, str]:
    grades: dict[int, str] = {}
    for chunk in _chunks(ids):
        results = EvaluationResult.objects.filter(run=run, subject_id__in=chunk)
        grades.update(results.values_list("subject_id", "grade"))
    return grades


def _sample(seed: str, grade: str, ids: list[int], share: float) -> list[int]:
    return _shuffled(random.Random(f"{seed}:{grade}"), ids)[: sample_size(share, len(ids))]


def _shuffled(rng: random.Random, items: Sequence[T]) -> list[T]:
    """Fisher–Yates from the front, on `random()` only (stable across Python versions)."""
    out = list(items)
    for i in range(len(out) - 1):
        j = i + int(rng.random() * (len(out) - i))
        out[i], out[j] = out[j], out[i]
    return out


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _counts(
    spec: schema.EvaluationSchemeRule, by_grade: dict[str, list[int]], sample: list[tuple[str, int]]
) -> dict[str, dict[str, Any]]:
    """Grade → rank (the scheme's order: PostgreSQL's jsonb keeps no key order), name,
    population and drawn."""
    drawn = {code: sum(1 for grade, _pk in sample if grade == code) for code in by_grade}
    return {
        grade.code: {
            "rank": rank,
            "name": grade.name,
            "population": len(by_grade[grade.code]),
            "drawn": drawn[grade.code],
        }
        for rank, grade in enumerate(spec.grades)
    }


def _audit_data(made: InspectionDraw) -> dict[str, Any]:
    return {
        "reference": made.reference,
        "unit": made.unit.code,
        "scheme": made.run.scheme,
        "run": made.run.number,
        "run_digest": made.run.digest,
        "seed": made.seed,
        "on": made.on.isoformat(),
        "population": made.population,
        "unrated": made.unrated,
        "population_digest": made.population_digest,
        "ratios": made.ratios,
        "counts": made.counts,
        "inspectors": made.inspectors,
    }


def summary(made: InspectionDraw) -> dict[str, Any]:
    """The draw as the command line and the console show it (items aside)."""
    counts = sorted(made.counts.items(), key=lambda pair: pair[1]["rank"])
    return {
        "reference": made.reference,
        "unit": made.unit.code,
        "scheme": made.run.scheme,
        "run": made.run.number,
        "on": made.on.isoformat(),
        "seed": made.seed,
        "population": made.population,
        "unrated": made.unrated,
        "population_digest": made.population_digest,
        "inspectors": made.inspectors,
        "drawn_at": made.drawn_at.isoformat(),
        "actor": made.actor,
        "grades": [
            {
                "grade": code,
                "name": count["name"],
                "ratio": made.ratios[code],
                "population": count["population"],
                "drawn": count["drawn"],
            }
            for code, count in counts
        ],
    }
