"""The console's evaluation figures: grade distributions of a run, one grouped query per
chart, as rows for `supervision.charts.stacked` (label, one count per grade in the
scheme's order).

- By prefecture: each subject counts for its region's prefecture (`prefecture_code`);
  subjects registered at the province or without a region go to one last row.
- By unit: for each unit, the grades of the subjects it reported records about (revoked
  records aside), each subject once per unit; the `TOP_UNITS` units with most subjects.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from xinyong.evaluation.explain import grade_class
from xinyong.evaluation.models import EvaluationResult, EvaluationRun
from xinyong.policy import schema
from xinyong.records.models import CreditRecord
from xinyong.supervision.charts import Series
from xinyong.supervision.figures import prefecture_code, prefectures

Rows = list[tuple[str, list[int]]]
TOP_UNITS = 20


def grade_series(scheme: schema.EvaluationSchemeRule) -> tuple[Series, ...]:
    return tuple(
        Series(grade.code, f"{grade.code} {grade.name}", grade_class(scheme, grade.code))
        for grade in scheme.grades
    )


def _values(counts: Counter[str], scheme: schema.EvaluationSchemeRule) -> list[int]:
    return [counts[grade.code] for grade in scheme.grades]


def by_prefecture(run: EvaluationRun, scheme: schema.EvaluationSchemeRule) -> Rows:
    found = (
        EvaluationResult.objects.filter(run=run)
        .values_list("subject__region_id", "grade")
        .annotate(n=Count("id"))
        .order_by()
    )
    split: dict[str, Counter[str]] = {}
    for region, grade, n in found:
        split.setdefault(prefecture_code(region) if region else "", Counter())[grade] += n
    rows = []
    for prefecture in prefectures():
        rows.append((prefecture.name, _values(split.pop(prefecture.code, Counter()), scheme)))
    rest: Counter[str] = sum(split.values(), Counter())
    if rest:
        rows.append((_("省级或未登记区划"), _values(rest, scheme)))
    return rows


def by_unit(run: EvaluationRun, scheme: schema.EvaluationSchemeRule) -> Rows:
    found = (
        CreditRecord.objects.exclude(status=CreditRecord.Status.REVOKED)
        .filter(subject__evaluations__run=run)
        .values_list("unit_id", "unit__short_name", "unit__name", "subject__evaluations__grade")
        .annotate(n=Count("subject_id", distinct=True))
        .order_by()
    )
    names: dict[int, str] = {}
    split: dict[int, Counter[str]] = {}
    for unit, short_name, name, grade, n in found:
        names[unit] = short_name or name
        split.setdefault(unit, Counter())[grade] += n
    top = sorted(split, key=lambda unit: (-sum(split[unit].values()), names[unit]))[:TOP_UNITS]
    return [(names[unit], _values(split[unit], scheme)) for unit in top]


@dataclass(frozen=True)
class RunRow:
    """A run as the overview lists it: grade counts in the scheme's order."""

    run: EvaluationRun
    grades: Sequence[tuple[str, int]]


def run_rows(runs: Sequence[EvaluationRun], scheme: schema.EvaluationSchemeRule) -> list[RunRow]:
    codes = [grade.code for grade in scheme.grades]
    rows = []
    for run in runs:
        extra = [code for code in run.grades if code not in codes]  # a grade since renamed
        rows.append(RunRow(run, [(code, int(run.grades.get(code, 0))) for code in codes + extra]))
    return rows
