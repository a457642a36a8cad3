"""Why a subject has its grade: per indicator its value, points, contribution, and the
records or list entries behind it.

A result keeps only the indicator values (`EvaluationResult.values`); the rest follows
from the run's scheme and the subject's data, so it is worked out when a page asks.

The records and entries behind an indicator are found with the indicator's own test,
as `expressions` builds its Ibis expression: the same resolved ids
(`expressions.Resolved`), day bound, look-back window and recency bands (`RecordTest`,
applied in Python to the subject's records of the indicators' types), and the same "in
force" rule for entries (`lists.entries.in_force_q`, as an annotation per indicator). A
test checks, for every subject of a run of every scheme over the demo data, that what
is found adds up to the stored value. Data changed since the run (a revocation, a late
import) makes it differ: `IndicatorExplanation.changed` says so instead of hiding it.

One query for the records and one for the entries, whatever the number of indicators.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import reduce

from django.db.models import Case, FloatField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from xinyong.core.errors import NotFound
from xinyong.evaluation import runs
from xinyong.evaluation.expressions import Ids, Resolved
from xinyong.evaluation.models import EvaluationResult, EvaluationRun
from xinyong.lists.entries import in_force_q
from xinyong.lists.models import ListEntry
from xinyong.policy import schema
from xinyong.records.models import CreditRecord
from xinyong.subjects.models import Subject

# What a query asks: annotation name → (indicator, evaluation day).
Asked = Mapping[str, tuple[schema.IndicatorSpec, date]]


def contribution(indicator: schema.IndicatorSpec, value: float) -> float:
    """Points × value, kept within ±cap: what the indicator adds to the score."""
    points = value * indicator.points
    if indicator.cap is not None:
        points = min(max(points, -indicator.cap), indicator.cap)
    return points


def mean_in_hundredths(values: Sequence[float]) -> float:
    """The mean rounded half up to hundredths, as `expressions._average` computes it."""
    total, count = sum(round(value * 100) for value in values), len(values)
    return (2 * total + count) // (2 * count) / 100


@dataclass(frozen=True)
class RecordTest:
    """Whether and how much an indicator counts a record on an evaluation day: the test
    `expressions._record_matches` and `_record_weight` put in SQL, in Python, for the few
    records of one subject a page shows (building the same test as ORM annotations cost
    more than running the query)."""

    indicator: schema.IndicatorSpec
    on: date
    types: frozenset[int]
    units: frozenset[int]  # empty: any unit
    since: date | None  # the look-back window's first day
    bands: tuple[tuple[date, float], ...]  # (first day, weight), nearest band first

    @classmethod
    def of(cls, indicator: schema.IndicatorSpec, on: date, ids: Ids) -> RecordTest:
        resolved = Resolved.of(indicator, ids)
        return cls(
            indicator,
            on,
            frozenset(resolved.record_types),
            frozenset(resolved.units),
            indicator.within.before(on) if indicator.within is not None else None,
            tuple((band.within.before(on), band.weight) for band in indicator.recency),
        )

    @property
    def first_day(self) -> date | None:
        """The earliest decision date the indicator can count (None: no bound): the
        window's first day, and no older than the farthest band."""
        days = [min(first for first, _weight in self.bands)] if self.bands else []
        if self.since is not None:
            days.append(self.since)
        return max(days) if days else None

    def weight(self, record: CreditRecord) -> float | None:
        """What the record counts (its band's weight, 1 without bands, an average's: its
        value), or None when the indicator does not count it (older than every band
        included: it adds 0 in the expression, so it is not behind the value)."""
        decided = record.decision_date
        if (
            record.record_type_id not in self.types
            or record.status == CreditRecord.Status.REVOKED
            or decided > self.on
            or (self.since is not None and decided < self.since)
            or (self.units and record.unit_id not in self.units)
            or (self.indicator.severity != "any" and record.severity != self.indicator.severity)
        ):
            return None
        if self.indicator.measure == "average":
            return None if record.value is None else float(record.value)
        if not self.bands:
            return 1.0
        return next((weight for first, weight in self.bands if decided >= first), None)


def records_behind(
    asked: Asked, ids: Ids, records: QuerySet[CreditRecord]
) -> Iterator[tuple[CreditRecord, dict[str, float]]]:
    """Each of `records` (in their order) that an asked indicator counts, with its weight
    under each asked name that counts it. SQL narrows to the indicators' record types
    and days; `RecordTest` decides."""
    tests = {name: RecordTest.of(ind, on, ids) for name, (ind, on) in asked.items()}
    types = sorted({pk for test in tests.values() for pk in test.types})
    latest = max(test.on for test in tests.values())
    candidates = records.filter(record_type_id__in=types, decision_date__lte=latest).exclude(
        status=CreditRecord.Status.REVOKED
    )
    firsts = [test.first_day for test in tests.values()]
    if None not in firsts:  # every indicator looks back a bounded time
        candidates = candidates.filter(decision_date__gte=min(d for d in firsts if d))
    for record in candidates:
        weights = {
            name: weight
            for name, test in tests.items()
            if (weight := test.weight(record)) is not None
        }
        if weights:
            yield record, weights


def entry_q(indicator: schema.IndicatorSpec, on: date, ids: Ids) -> Q:
    """The list entries an `entries` indicator counts on `on`: in force, on its lists."""
    return in_force_q(on) & Q(credit_list_id__in=Resolved.of(indicator, ids).lists)


def entries_behind(
    asked: Asked, ids: Ids, entries: QuerySet[ListEntry] | None = None
) -> QuerySet[ListEntry]:
    """`entries` that any asked indicator counts, each annotated under the asked name
    with 1 (NULL where that indicator does not count it)."""
    entries = ListEntry.objects.all() if entries is None else entries
    weights = {
        name: Case(When(entry_q(ind, on, ids), then=Value(1.0)), output_field=FloatField())
        for name, (ind, on) in asked.items()
    }
    return entries.annotate(**weights).filter(
        _any(entry_q(ind, on, ids) for ind, on in asked.values())
    )


def _any(conditions: Iterable[Q]) -> Q:
    return reduce(operator.or_, conditions)


@dataclass(frozen=True)
class Behind:
    """A record or list entry an indicator counts, and its weight there."""

    item: CreditRecord | ListEntry
    weight: float

    @property
    def is_entry(self) -> bool:
        return isinstance(self.item, ListEntry)


@dataclass(frozen=True)
class IndicatorExplanation:
    indicator: schema.IndicatorSpec
    value: float
    behind: tuple[Behind, ...]

    @property
    def contribution(self) -> float:
        return contribution(self.indicator, self.value)

    @property
    def signed(self) -> str:
        """The contribution as a page shows it: +5, -8.75, 0."""
        return _signed(self.contribution)

    @property
    def found(self) -> float:
        """The value the records and entries found now give: their weights' sum, or for
        an average their values' mean (`when_none` without any)."""
        weights = [item.weight for item in self.behind]
        if self.indicator.measure != "average":
            return round(sum(weights), 4)
        if not weights:
            return round(self.indicator.when_none, 4)
        return mean_in_hundredths(weights)

    @property
    def changed(self) -> bool:
        """The records or entries found now no longer add up to the stored value."""
        return self.found != round(self.value, 4)


@dataclass(frozen=True)
class Explanation:
    result: EvaluationResult
    scheme: schema.EvaluationSchemeRule
    indicators: tuple[IndicatorExplanation, ...]

    @property
    def grade(self) -> schema.GradeSpec | None:
        return grade_of(self.scheme, self.result.grade)

    @property
    def grade_class(self) -> str:
        return grade_class(self.scheme, self.result.grade)


def grade_of(scheme: schema.EvaluationSchemeRule, code: str) -> schema.GradeSpec | None:
    return next((grade for grade in scheme.grades if grade.code == code), None)


def grade_class(scheme: schema.EvaluationSchemeRule, code: str) -> str:
    """The CSS class of a grade by its place in the scheme: g-1 (best) … g-4, g-more."""
    codes = [grade.code for grade in scheme.grades]
    place = codes.index(code) + 1 if code in codes else 0
    return f"g-{place}" if 1 <= place <= 4 else "g-more"


def plain(number: float) -> str:
    """A score, value or weight without trailing zeros: 17.5, 2, 0.25."""
    text = f"{number:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _signed(number: float) -> str:
    return plain(number) if number <= 0 else f"+{plain(number)}"


def scheme_of(result: EvaluationResult) -> schema.EvaluationSchemeRule:
    """The result's scheme as the pack states it for the run's day; NotFound when the
    pack no longer has it, or its indicators are no longer those the run counted."""
    run = result.run
    scheme = runs.find_scheme(run.scheme, run.on)[1]
    if len(scheme.indicators) != len(result.values):
        raise NotFound(
            "evaluation.scheme_changed",
            _("评价方案“%(key)s”的指标已与第%(number)d版次不同"),
            params={"key": run.scheme, "number": run.number},
        )
    return scheme


def latest_results(subject: Subject | int) -> list[EvaluationResult]:
    """The subject's result in the latest finished run of each scheme, by scheme key, in
    one query (a subject registered since that run has none there)."""
    latest = (
        EvaluationRun.objects.filter(
            scheme=OuterRef("run__scheme"), status=EvaluationRun.Status.DONE
        )
        .order_by("-number")
        .values("pk")[:1]
    )
    found = EvaluationResult.objects.filter(subject=subject, run=Subquery(latest))
    return list(found.select_related("run").order_by("run__scheme"))


def assemble(
    result: EvaluationResult,
    scheme: schema.EvaluationSchemeRule,
    behind: Mapping[int, Sequence[Behind]],
    *,
    public_only: bool = False,
) -> Explanation:
    """The explanation from what was found behind each indicator (by its index)."""
    indicators = tuple(
        IndicatorExplanation(indicator, float(value), tuple(behind.get(index, ())))
        for index, (indicator, value) in enumerate(
            zip(scheme.indicators, result.values, strict=True)
        )
        if indicator.public or not public_only
    )
    return Explanation(result, scheme, indicators)


def weighed(
    rows: Iterable[CreditRecord | ListEntry], names: Mapping[str, int]
) -> dict[int, list[Behind]]:
    """Rows annotated by `entries_behind`, split by indicator index."""
    behind: dict[int, list[Behind]] = {}
    for row in rows:
        for name, index in names.items():
            weight = getattr(row, name)
            if weight is not None:
                behind.setdefault(index, []).append(Behind(row, float(weight)))
    return behind


def explain(
    result: EvaluationResult,
    *,
    scheme: schema.EvaluationSchemeRule | None = None,
    ids: Ids | None = None,
) -> Explanation:
    """Every indicator of the result with everything behind it: one query for the
    records, one for the entries (the scheme and ids cost more unless given)."""
    scheme = scheme or scheme_of(result)
    ids = ids or Ids.load()
    on = result.run.on
    asked = {
        measure: {
            f"w{i}": (ind, on) for i, ind in enumerate(scheme.indicators) if _reads(ind) == measure
        }
        for measure in ("records", "entries")
    }
    behind: dict[int, list[Behind]] = {}
    if asked["records"]:
        rows = (
            CreditRecord.objects.filter(subject=result.subject_id)
            .select_related("record_type", "unit")
            .defer("sealed", "payload")
            .order_by("-decision_date", "-id")
        )
        indices = _indices(asked["records"])
        for record, weights in records_behind(asked["records"], ids, rows):
            for name, weight in weights.items():
                behind.setdefault(indices[name], []).append(Behind(record, weight))
    if asked["entries"]:
        entries = entries_behind(
            asked["entries"], ids, ListEntry.objects.filter(subject=result.subject_id)
        )
        rows_e = entries.select_related("credit_list", "unit").order_by("-starts_on", "-id")
        behind.update(weighed(rows_e, _indices(asked["entries"])))
    return assemble(result, scheme, behind)


def _reads(indicator: schema.IndicatorSpec) -> str:
    """What an indicator reads: records (counted or averaged) or list entries."""
    return "entries" if indicator.measure == "entries" else "records"


def _indices(asked: Asked) -> dict[str, int]:
    return {name: int(name[1:]) for name in asked}
