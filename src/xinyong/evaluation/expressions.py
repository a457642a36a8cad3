"""An evaluation scheme as one Ibis expression: the single definition that both engines run.

The expression reads the platform's own tables by name (unbound Ibis tables), so the
database engine compiles it to the database's SQL and the Spark engine runs it over a
Parquet snapshot of the same tables (`snapshot.TABLES`). Codes in the scheme (record
types, units, lists) are resolved to ids before compiling: the expression needs no joins
to name tables, and both engines see the same ids.

One pass over the records and one over the list entries, each summing a case expression
per indicator, then two left joins onto the subjects: the same plan for a thousand
subjects or a million.

Output columns: `subject_id`, `v0 … vn` (indicator values in the scheme's order),
`score`, `grade`. Recency weights are binary fractions (1, 0.5, 0.25 …) in the Yunnan
pack, so sums are exact and every engine gives the same score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir

from xinyong.lists.models import CreditList, ListEntry
from xinyong.policy import schema
from xinyong.records.models import CreditRecord, RecordType
from xinyong.subjects.models import Unit

SUBJECTS = ibis.table({"id": "int64", "kind": "string"}, name="subjects_subject")
RECORDS = ibis.table(
    {
        "subject_id": "int64",
        "record_type_id": "int64",
        "unit_id": "int64",
        "decision_date": "date",
        "severity": "string",
        "status": "string",
        "value": "float64",
    },
    name="records_creditrecord",
)
ENTRIES = ibis.table(
    {
        "subject_id": "int64",
        "credit_list_id": "int64",
        "status": "string",
        "starts_on": "date",
        "ends_on": "date",
    },
    name="lists_listentry",
)
IN_FORCE = [*ListEntry.IN_FORCE, ListEntry.Status.EXITED]


@dataclass(frozen=True)
class Ids:
    """Codes of the pack resolved to the ids the tables hold."""

    record_types: dict[str, int]
    units: dict[str, int]
    lists: dict[str, int]
    list_kinds: dict[str, list[int]]

    @classmethod
    def load(cls) -> Ids:
        kinds: dict[str, list[int]] = {}
        for pk, kind in CreditList.objects.values_list("pk", "kind"):
            kinds.setdefault(kind, []).append(pk)
        units = {}
        for pk, code, short in Unit.objects.values_list("pk", "code", "short_name"):
            units[code] = units[short] = pk
        return cls(
            record_types=dict(RecordType.objects.values_list("code", "pk")),
            units=units,
            lists=dict(CreditList.objects.values_list("code", "pk")),
            list_kinds={kind: sorted(pks) for kind, pks in kinds.items()},
        )


@dataclass(frozen=True)
class Resolved:
    """One indicator's codes as ids. [-1] when none of its codes is known: the indicator
    then counts nothing (an unknown unit must not widen it to every unit). `units` empty
    means the indicator names no unit."""

    record_types: list[int]
    units: list[int]
    lists: list[int]

    @classmethod
    def of(cls, indicator: schema.IndicatorSpec, ids: Ids) -> Resolved:
        lists = [ids.lists[code] for code in indicator.lists if code in ids.lists]
        for kind in indicator.list_kinds:
            lists += ids.list_kinds.get(kind, [])
        types = [ids.record_types[c] for c in indicator.record_types if c in ids.record_types]
        return cls(
            record_types=types or [-1],
            units=[ids.units[code] for code in indicator.units if code in ids.units]
            or ([-1] if indicator.units else []),
            lists=sorted(set(lists)) or [-1],
        )


def _record_matches(
    indicator: schema.IndicatorSpec, resolved: Resolved, today: date
) -> ir.BooleanValue:
    """Whether a record is one the indicator counts (any recency band)."""
    r = RECORDS
    # Decided on or before the evaluation day: a later run of an earlier day gives the
    # earlier day's answer.
    conditions = [r.record_type_id.isin(resolved.record_types), r.decision_date <= today]
    if indicator.severity != "any":
        conditions.append(r.severity == indicator.severity)
    if resolved.units:
        conditions.append(r.unit_id.isin(resolved.units))
    if indicator.within is not None:
        conditions.append(r.decision_date >= indicator.within.before(today))
    if indicator.measure == "average":
        conditions.append(r.value.notnull())
    return ibis.and_(*conditions)


def _record_weight(
    indicator: schema.IndicatorSpec, resolved: Resolved, today: date
) -> ir.FloatingValue:
    """What one record counts: 0 outside the indicator, else its recency band's weight."""
    r = RECORDS
    matches = _record_matches(indicator, resolved, today)
    if indicator.recency:
        bands = [
            (matches & (r.decision_date >= band.within.before(today)), ibis.literal(band.weight))
            for band in indicator.recency
        ]
        return ibis.cases(*bands, else_=ibis.literal(0.0)).cast("float64")
    return ibis.cases((matches, ibis.literal(1.0)), else_=ibis.literal(0.0)).cast("float64")


def _average_parts(
    name: str, indicator: schema.IndicatorSpec, resolved: Resolved, today: date
) -> dict[str, ir.IntegerValue]:
    """The sum (in hundredths, as integers) and the count of the values an average
    indicator takes: integers sum exactly in any order, and values have at most two
    decimals (the catalogue's score fields)."""
    matches = _record_matches(indicator, resolved, today)
    hundredths = (RECORDS.value * 100).round().cast("int64")
    zero = ibis.literal(0, type="int64")
    return {
        f"{name}_sum": ibis.cases((matches, hundredths), else_=zero).sum(),
        f"{name}_n": ibis.cases((matches, ibis.literal(1, type="int64")), else_=zero).sum(),
    }


def _average(table: ir.Table, name: str, indicator: schema.IndicatorSpec) -> ir.FloatingValue:
    """The mean rounded half up to hundredths, as floor((2·sum + n) / 2n): a quotient of
    two exact integers, the same in every engine, and a value with two decimals at most,
    so the stored value times the points gives the score's contribution exactly (an
    unrounded mean, stored to 4 places, would not add up on the explanation page)."""
    count = table[f"{name}_n"].fill_null(0)
    total = table[f"{name}_sum"].fill_null(0)
    hundredths = (total * 2 + count) // (count * 2)
    mean = hundredths.cast("float64") / 100.0
    return ibis.cases((count > 0, mean), else_=ibis.literal(float(indicator.when_none)))


def _entry_weight(resolved: Resolved) -> ir.FloatingValue:
    matches = ENTRIES.credit_list_id.isin(resolved.lists)
    return ibis.cases((matches, ibis.literal(1.0)), else_=ibis.literal(0.0)).cast("float64")


def expression(scheme: schema.EvaluationSchemeRule, today: date, ids: Ids) -> ir.Table:
    """Every subject of the scheme's kinds (and population) with its indicator values,
    score and grade."""
    subjects = SUBJECTS.filter(SUBJECTS.kind.isin(scheme.subject_kinds)).select(
        subject_id=SUBJECTS.id
    )
    if scheme.population is not None:
        subjects = subjects.filter(subjects.subject_id.isin(_population(scheme, today, ids)))
    names = [f"v{index}" for index in range(len(scheme.indicators))]
    indicators = [
        (name, indicator, Resolved.of(indicator, ids))
        for name, indicator in zip(names, scheme.indicators, strict=True)
    ]
    on_records = [item for item in indicators if item[1].measure in ("records", "average")]
    on_entries = [item for item in indicators if item[1].measure == "entries"]
    table = subjects
    if on_records:
        live = RECORDS.filter(RECORDS.status != CreditRecord.Status.REVOKED)
        sums: dict[str, ir.Value] = {}
        for name, ind, res in on_records:
            if ind.measure == "average":
                sums.update(_average_parts(name, ind, res, today))
            else:
                sums[name] = _record_weight(ind, res, today).sum()
        on_subject = live.group_by(subject=live.subject_id).aggregate(**sums)
        table = table.left_join(on_subject, table.subject_id == on_subject.subject).drop("subject")
    if on_entries:
        e = ENTRIES
        binding = e.filter(
            e.status.isin(IN_FORCE),
            e.starts_on <= today,
            e.ends_on.isnull() | (e.ends_on >= today),
        )
        on_lists = binding.group_by(subject=binding.subject_id).aggregate(
            **{name: _entry_weight(res).sum() for name, _ind, res in on_entries}
        )
        table = table.left_join(on_lists, table.subject_id == on_lists.subject).drop("subject")
    values = {
        name: _average(table, name, indicator)
        if indicator.measure == "average"
        else table[name].fill_null(0.0).cast("float64")
        for name, indicator in zip(names, scheme.indicators, strict=True)
    }
    table = table.select("subject_id", **values)
    # The score in its own projection, bounded with least/greatest: `clip` and an inline
    # score would repeat the whole sum inside every grade's CASE (185 KB of SQL for the
    # public-credit scheme, five times slower on PostgreSQL).
    score = ibis.literal(float(scheme.base))
    for name, indicator in zip(names, scheme.indicators, strict=True):
        contribution = table[name] * indicator.points
        if indicator.cap is not None:
            contribution = _bounded(contribution, -indicator.cap, indicator.cap)
        score = score + contribution
    table = table.mutate(score=_bounded(score, 0.0, float(scheme.maximum)))
    grade = ibis.cases(
        *[
            (table.score >= grade.at_least, ibis.literal(grade.code))
            for grade in scheme.grades[:-1]
        ],
        else_=ibis.literal(scheme.grades[-1].code),
    )
    return table.mutate(grade=grade).order_by("subject_id")


def _population(scheme: schema.EvaluationSchemeRule, today: date, ids: Ids) -> ir.Column:
    """Subjects with a live record of the population's types decided by `today`."""
    assert scheme.population is not None
    types = [ids.record_types[c] for c in scheme.population.record_types if c in ids.record_types]
    r = RECORDS
    return r.filter(
        r.record_type_id.isin(types or [-1]),
        r.status != CreditRecord.Status.REVOKED,
        r.decision_date <= today,
    ).subject_id


def _bounded(value: ir.FloatingValue, lower: float, upper: float) -> ir.FloatingValue:
    return ibis.least(ibis.greatest(value, ibis.literal(lower)), ibis.literal(upper))
