"""Execution feedback (执行反馈) on a check, and the feedback rate (执行反馈率).

After a check, the unit that made it reports, for each measure the check returned for
a subject, whether it applied the measure and, if not, why (and the amount concerned,
in 万元). Only measures the receipt actually returned for that subject are accepted:
the stored results of the receipt are the reference, so feedback cannot invent a
measure the check never showed. A second feedback on the same receipt, subject and
measure replaces the first; the audit event keeps what it replaced.

`feedback_stats` counts, by list, by measure and by checking unit, how often checks
returned them (the receipts' `hits`), how many of those got feedback and how many were
applied; 执行反馈率 = fed back / returned. Both sides are summed in SQL.

By list, the unit is the subject, as in `hits["lists"]` (each subject on a list counts
once per check, whatever the measures): a subject returned on a list counts as fed
back when the checking unit gave feedback on any of its measures in that check, and as
applied when it applied at least one. The lists a subject was returned on are its
entries in force on the day of the check (a measure may apply through several lists;
`CheckFeedback.entry` keeps only the entry of its first ground, for reference).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.db.models import CharField, Count, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core import audit, pii
from xinyong.core.errors import InvalidInput, PermissionDenied, XinyongError
from xinyong.lists.checks import load_receipt
from xinyong.lists.models import CheckFeedback, CheckReceipt, CreditList, ListEntry, Measure
from xinyong.subjects import identifiers
from xinyong.subjects.models import Subject, Unit
from xinyong.subjects.services import find_subject

MAX_ITEMS = 100_000
MAX_REASON = 2000
# CheckFeedback.amount: 16 digits, 4 after the point (万元 to the yuan and below).
AMOUNT_PLACES = Decimal("0.0001")
AMOUNT_LIMIT = Decimal(10) ** 12


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass
class ItemOutcome:
    """What became of one feedback item; `index` counts from 1 in the order sent."""

    index: int
    subject: str
    measure: str
    outcome: str
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FeedbackResult:
    receipt: CheckReceipt
    items: list[ItemOutcome]

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.items if item.outcome == outcome)


@dataclass(frozen=True)
class _Returned:
    """One matched subject of the receipt and the measures returned for it."""

    public_id: str
    measures: dict[str, str | None]  # measure code → entry reference of its first ground


@dataclass(frozen=True)
class _Item:
    index: int
    subject: str  # the public id
    measure: str
    applied: bool
    reason: str
    amount: Decimal | None
    entry: str | None


# --- recording ----------------------------------------------------------------------------
def record_feedback(
    receipt_ref: str,
    items: Sequence[Mapping[str, Any]],
    *,
    actor: audit.Actor,
    unit: Unit,
) -> FeedbackResult:
    """Record the feedback items of one receipt; each item is accepted or rejected alone.

    An item: {"subject": public id or code as the check returned it, "measure": code,
    "applied": bool, "reason": text (required when not applied), "amount": 万元 ≥ 0}.
    Raises for the receipt as a whole: unknown, another unit's, no items, too many.
    """
    receipt, results = load_receipt(receipt_ref)
    if receipt.unit_id != unit.pk:
        raise PermissionDenied(
            "feedback.other_unit", _("只有作出核查的单位才能反馈该核查回执的执行情况")
        )
    if not items:
        raise InvalidInput("feedback.empty", _("没有反馈内容"), field="items")
    if len(items) > MAX_ITEMS:
        raise InvalidInput(
            "feedback.too_many",
            _("一次最多反馈 %(limit)s 项，收到 %(count)s 项"),
            params={"limit": f"{MAX_ITEMS:,}", "count": f"{len(items):,}"},
            field="items",
        )
    returned, by_code = _returned(results)
    outcomes: list[ItemOutcome] = []
    accepted: list[_Item] = []
    seen: set[tuple[str, str]] = set()
    for index, raw in enumerate(items, start=1):
        subject_key = _shown(str(raw.get("subject") or "").strip())
        measure_code = str(raw.get("measure") or "").strip()
        outcome = ItemOutcome(index, subject_key, measure_code, Outcome.REJECTED)
        outcomes.append(outcome)
        try:
            item = _parse(index, raw, returned, by_code)
            if (item.subject, item.measure) in seen:
                raise InvalidInput(
                    "feedback.duplicate",
                    _("同一主体的同一措施在本次反馈中重复出现"),
                    field="measure",
                )
        except XinyongError as exc:
            outcome.errors.append(exc.as_dict())
            continue
        seen.add((item.subject, item.measure))
        outcome.subject = item.subject
        accepted.append(item)
    by_index = {outcome.index: outcome for outcome in outcomes}
    links = _Links.of(accepted)
    for item in list(accepted):
        if item.measure not in links.measures or item.subject not in links.subjects:
            # Returned by the check, retired since (a measure dropped from the pack).
            error = InvalidInput(
                "feedback.measure_retired",
                _("措施“%(measure)s”已不在政策包中，不能再反馈"),
                params={"measure": item.measure},
                field="measure",
            )
            by_index[item.index].errors.append(error.as_dict())
            accepted.remove(item)
    if accepted:
        states = _save(receipt, accepted, links, actor, unit)
        for item, state in zip(accepted, states, strict=True):
            by_index[item.index].outcome = state
    return FeedbackResult(receipt, outcomes)


@dataclass(frozen=True)
class _Links:
    """Database ids of the items' subjects, measures and entries."""

    subjects: dict[str, int]
    measures: dict[str, int]
    entries: dict[str, int]

    @classmethod
    def of(cls, items: list[_Item]) -> _Links:
        return cls(
            dict(
                Subject.objects.filter(public_id__in={i.subject for i in items}).values_list(
                    "public_id", "pk"
                )
            ),
            dict(
                Measure.objects.filter(code__in={i.measure for i in items}).values_list(
                    "code", "pk"
                )
            ),
            dict(
                ListEntry.objects.filter(
                    reference__in={i.entry for i in items if i.entry}
                ).values_list("reference", "pk")
            ),
        )


def _shown(key: str) -> str:
    """The subject as sent, for the answer: a resident ID number only masked."""
    if len(key) != 18 or not key[:17].isdigit():
        return key
    try:
        identifiers.check_uscc(key)  # a USCC may also start with 17 digits
    except identifiers.IdentifierError:
        return pii.mask(key)
    return key


def _returned(
    results: Iterable[Mapping[str, Any]],
) -> tuple[dict[str, _Returned], dict[str, set[str]]]:
    """The receipt's matched subjects by public id, and their public ids by shown code."""
    returned: dict[str, _Returned] = {}
    by_code: dict[str, set[str]] = defaultdict(set)
    for result in results:
        subject = result.get("subject")
        if result.get("match") != "matched" or not subject:
            continue  # unmatched and unconfirmed candidates get no measures
        measures: dict[str, str | None] = {}
        for measure in result.get("measures") or ():
            grounds = measure.get("grounds") or ()
            measures.setdefault(measure["code"], grounds[0].get("entry") if grounds else None)
        for incentive in result.get("incentives") or ():
            measures.setdefault(incentive["code"], None)
        public_id = str(subject["public_id"])
        known = returned.get(public_id)
        if known is not None:  # the same subject asked for twice: either answer counts
            measures = {**measures, **known.measures}
        returned[public_id] = _Returned(public_id, measures)
        if subject.get("code"):
            by_code[str(subject["code"]).upper()].add(public_id)
    return returned, by_code


def _parse(
    index: int,
    raw: Mapping[str, Any],
    returned: dict[str, _Returned],
    by_code: dict[str, set[str]],
) -> _Item:
    subject = _subject(str(raw.get("subject") or "").strip(), returned, by_code)
    measure = str(raw.get("measure") or "").strip()
    if not measure:
        raise InvalidInput("feedback.measure_required", _("请填写措施代码"), field="measure")
    if measure not in subject.measures:
        raise InvalidInput(
            "feedback.measure_not_returned",
            _("本次核查没有对该主体返回措施“%(measure)s”，不能反馈"),
            params={"measure": measure},
            field="measure",
        )
    applied = raw.get("applied")
    if not isinstance(applied, bool):
        raise InvalidInput(
            "feedback.applied_required",
            _("请说明是否已实施该措施（true 或 false）"),
            field="applied",
        )
    reason = raw.get("reason")
    reason = "" if reason is None else str(reason).strip()
    if not applied and not reason:
        raise InvalidInput(
            "feedback.reason_required", _("未实施措施的，须说明理由"), field="reason"
        )
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            "feedback.reason_too_long",
            _("说明不能超过 %(limit)s 个字符"),
            params={"limit": MAX_REASON},
            field="reason",
        )
    return _Item(
        index,
        subject.public_id,
        measure,
        applied,
        reason,
        parse_amount(raw.get("amount")),
        subject.measures[measure],
    )


def _subject(key: str, returned: dict[str, _Returned], by_code: dict[str, set[str]]) -> _Returned:
    if not key:
        raise InvalidInput("feedback.subject_required", _("请填写主体"), field="subject")
    if key in returned:
        return returned[key]
    found = by_code.get(key.upper(), set())
    if len(found) > 1:
        raise InvalidInput(
            "feedback.subject_ambiguous",
            _("本次核查中有多个主体显示为该代码，请改用主体的公开标识（public_id）"),
            field="subject",
        )
    if found:
        return returned[next(iter(found))]
    try:  # a full USCC or ID number, as the checking unit knows it
        subject = find_subject(key)
    except identifiers.IdentifierError:
        subject = None
    if subject is not None and subject.public_id in returned:
        return returned[subject.public_id]
    # The message never repeats the key: it may be a full ID number.
    raise InvalidInput(
        "feedback.subject_not_returned",
        _("该主体不在本次核查匹配到的主体中，不能反馈"),
        field="subject",
    )


def parse_amount(value: Any) -> Decimal | None:
    """An amount in 万元: empty → None; otherwise a number ≥ 0 with at most 4 decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    error = InvalidInput(
        "feedback.amount_invalid",
        _("涉及金额应为不小于 0 的数字（万元，最多 4 位小数）"),
        field="amount",
    )
    if isinstance(value, bool):
        raise error
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise error from None
    if not amount.is_finite() or amount < 0 or amount >= AMOUNT_LIMIT:
        raise error
    if amount != amount.quantize(AMOUNT_PLACES):
        raise error
    return amount.quantize(AMOUNT_PLACES)


def _save(
    receipt: CheckReceipt, items: list[_Item], links: _Links, actor: audit.Actor, unit: Unit
) -> list[str]:
    """Create or replace the items' feedback; the outcome of each, in order."""
    now = timezone.now()
    created: list[CheckFeedback] = []
    changed: list[CheckFeedback] = []
    states: list[str] = []
    log: list[dict[str, Any]] = []
    with transaction.atomic():
        # One writer per receipt at a time, so two posts cannot both create an item.
        CheckReceipt.objects.select_for_update().filter(pk=receipt.pk).first()
        existing = {
            (row.subject_id, row.measure_id): row
            for row in CheckFeedback.objects.filter(
                receipt=receipt, subject_id__in=links.subjects.values()
            )
        }
        for item in items:
            subject_id, measure_id = links.subjects[item.subject], links.measures[item.measure]
            row = existing.get((subject_id, measure_id))
            entry_id = links.entries.get(item.entry) if item.entry else None
            line: dict[str, Any] = {
                "subject": item.subject,
                "measure": item.measure,
                "applied": item.applied,
                "reason": item.reason,
                "amount": None if item.amount is None else str(item.amount),
            }
            if row is None:
                row = CheckFeedback(
                    receipt=receipt,
                    subject_id=subject_id,
                    measure_id=measure_id,
                    entry_id=entry_id,
                    unit=unit,
                    applied=item.applied,
                    reason=item.reason,
                    amount=item.amount,
                    actor=actor.label,
                    created_at=now,
                )
                created.append(row)
                existing[(subject_id, measure_id)] = row
                states.append(Outcome.CREATED)
                log.append({**line, "outcome": Outcome.CREATED})
                continue
            if (row.applied, row.reason, row.amount) == (item.applied, item.reason, item.amount):
                states.append(Outcome.UNCHANGED)
                continue
            previous = {
                "applied": row.applied,
                "reason": row.reason,
                "amount": None if row.amount is None else str(row.amount),
                "actor": row.actor,
                "at": row.created_at.isoformat(),
            }
            row.applied, row.reason, row.amount = item.applied, item.reason, item.amount
            row.actor, row.created_at, row.entry_id = actor.label, now, entry_id
            changed.append(row)
            states.append(Outcome.UPDATED)
            log.append({**line, "outcome": Outcome.UPDATED, "previous": previous})
        CheckFeedback.objects.bulk_create(created, batch_size=2000)
        CheckFeedback.objects.bulk_update(
            changed, ["applied", "reason", "amount", "actor", "created_at", "entry"], 2000
        )
        if log:
            audit.record(
                "xinyong.check.feedback",
                actor,
                receipt,
                {"receipt": receipt.reference, "unit": unit.code, "items": log},
            )
    return states


# --- statistics ---------------------------------------------------------------------------
@dataclass(frozen=True)
class StatRow:
    """One list, measure or unit: how often checks returned it and what was fed back."""

    code: str
    name: str
    returned: int
    fed_back: int
    applied: int

    @property
    def not_applied(self) -> int:
        return self.fed_back - self.applied

    @property
    def rate(self) -> float | None:
        """执行反馈率: fed back / returned (None when nothing was returned)."""
        return self.fed_back / self.returned if self.returned else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "returned": self.returned,
            "fed_back": self.fed_back,
            "applied": self.applied,
            "not_applied": self.not_applied,
            "rate": None if self.rate is None else round(self.rate, 4),
        }


@dataclass(frozen=True)
class FeedbackStats:
    since: date | None
    until: date | None
    receipts: int
    total: StatRow  # all measures of all checks
    by_list: list[StatRow]
    by_measure: list[StatRow]
    by_unit: list[StatRow]


def _bounds(since: date | None, until: date | None) -> Q:
    """Receipts made on the days from `since` through `until` (local days, inclusive)."""
    condition = Q()
    zone = timezone.get_current_timezone()
    if since is not None:
        condition &= Q(created_at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until is not None:
        end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)
        condition &= Q(created_at__lt=end)
    return condition


def _hit_sums(receipts: QuerySet[CheckReceipt], key: str) -> list[tuple[int, str, int]]:
    """(unit id, code, times returned) summed over the receipts' hits[key], in SQL."""
    inner, params = receipts.values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    table, unit, hits, pk = (
        quote(CheckReceipt._meta.db_table),
        quote("unit_id"),
        quote("hits"),
        quote("id"),
    )
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT r.{unit}, j.key, SUM(j.value::bigint) FROM {table} r "
            f"CROSS JOIN LATERAL jsonb_each_text(COALESCE(r.{hits} -> %s, '{{}}'::jsonb)) j "
            f"WHERE r.{pk} IN ({inner}) GROUP BY r.{unit}, j.key"
        )
        arguments: tuple[Any, ...] = (key, *params)
    elif connection.vendor == "sqlite":
        sql = (
            f"SELECT r.{unit}, j.key, SUM(j.value) FROM {table} r, json_each(r.{hits}, %s) j "
            f"WHERE r.{pk} IN ({inner}) GROUP BY r.{unit}, j.key"
        )
        arguments = (f"$.{key}", *params)
    else:  # another database: the same sums, in Python
        sums: dict[tuple[int, str], int] = defaultdict(int)
        for unit_id, receipt_hits in receipts.values_list("unit_id", "hits").iterator():
            for code, count in (receipt_hits or {}).get(key, {}).items():
                sums[(unit_id, code)] += int(count)
        return [(unit_id, code, count) for (unit_id, code), count in sums.items()]
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)
        return [(int(u), str(c), int(n or 0)) for u, c, n in cursor.fetchall()]


def _pair() -> Concat:
    """(receipt, subject) as one value, to count distinct pairs."""
    return Concat(Cast("receipt_id", CharField()), Value(":"), Cast("subject_id", CharField()))


def _on_lists(feedback: QuerySet[CheckFeedback]) -> QuerySet[CheckFeedback]:
    """The feedback joined to the entries its subject had in force on the check's day:
    the lists the check returned the subject on (one filter call, so one join)."""
    day = TruncDate("receipt__created_at")
    entry = "subject__list_entries__"
    return feedback.filter(
        Q(**{f"{entry}status__in": ListEntry.IN_FORCE})
        | Q(**{f"{entry}status": ListEntry.Status.EXITED, f"{entry}exited_on__gt": day}),
        Q(**{f"{entry}ends_on__isnull": True}) | Q(**{f"{entry}ends_on__gte": day}),
        **{f"{entry}starts_on__lte": day},
    )


def feedback_stats(since: date | None = None, until: date | None = None) -> FeedbackStats:
    """执行反馈率 by list, by measure and by unit, over receipts made from `since` to `until`."""
    receipts = CheckReceipt.objects.filter(_bounds(since, until))
    feedback = CheckFeedback.objects.filter(receipt__in=receipts)

    measure_hits = _hit_sums(receipts, "measures")
    returned_by_measure: dict[str, int] = defaultdict(int)
    returned_by_unit: dict[int, int] = defaultdict(int)
    for unit_id, code, count in measure_hits:
        returned_by_measure[code] += count
        returned_by_unit[unit_id] += count
    returned_by_list: dict[str, int] = defaultdict(int)
    for _unit, code, count in _hit_sums(receipts, "lists"):
        returned_by_list[code] += count

    def counted(rows: Iterable[dict[str, Any]], key: str) -> dict[Any, tuple[int, int]]:
        return {row[key]: (row["fed"], row["applied"]) for row in rows if row[key] is not None}

    fed_by_measure = counted(
        feedback.values("measure__code").annotate(
            fed=Count("pk"), applied=Count("pk", filter=Q(applied=True))
        ),
        "measure__code",
    )
    fed_by_unit = counted(
        feedback.values("unit_id").annotate(
            fed=Count("pk"), applied=Count("pk", filter=Q(applied=True))
        ),
        "unit_id",
    )
    fed_by_list = counted(
        _on_lists(feedback)
        .values("subject__list_entries__credit_list__code")
        .annotate(
            fed=Count(_pair(), distinct=True),
            applied=Count(_pair(), distinct=True, filter=Q(applied=True)),
        ),
        "subject__list_entries__credit_list__code",
    )

    measure_codes = set(returned_by_measure) | set(fed_by_measure)
    list_codes = set(returned_by_list) | set(fed_by_list)
    unit_ids = set(returned_by_unit) | set(fed_by_unit)
    measure_names = _names(Measure.objects.filter(code__in=measure_codes), "code")
    list_names = _names(CreditList.objects.filter(code__in=list_codes), "code")
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}

    def rows(
        codes: Iterable[Any],
        returned: Mapping[Any, int],
        fed: Mapping[Any, tuple[int, int]],
        label: Callable[[Any], tuple[str, str]],
    ) -> list[StatRow]:
        made = []
        for code in codes:
            shown, name = label(code)
            fed_back, applied = fed.get(code, (0, 0))
            made.append(StatRow(shown, name, returned.get(code, 0), fed_back, applied))
        return sorted(made, key=lambda row: (-row.returned, -row.fed_back, row.code))

    by_measure = rows(
        measure_codes,
        returned_by_measure,
        fed_by_measure,
        lambda code: (code, measure_names.get(code, code)),
    )
    by_list = rows(
        list_codes, returned_by_list, fed_by_list, lambda code: (code, list_names.get(code, code))
    )
    by_unit = rows(
        unit_ids,
        returned_by_unit,
        fed_by_unit,
        lambda pk: (units[pk].code, units[pk].name) if pk in units else (str(pk), str(pk)),
    )
    total = StatRow(
        "",
        str(_("合计")),
        sum(row.returned for row in by_measure),
        sum(row.fed_back for row in by_measure),
        sum(row.applied for row in by_measure),
    )
    return FeedbackStats(since, until, receipts.count(), total, by_list, by_measure, by_unit)


def _names(queryset: QuerySet[Any], key: str) -> dict[str, str]:
    return dict(queryset.values_list(key, "name"))
