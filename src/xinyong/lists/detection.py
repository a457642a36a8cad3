"""Detection rules (名单发现规则): records that call for a list proposal.

A `count_in_window` rule of the pack (e.g. more than 3 over-limit transport penalties
within 1 year, 发改财金〔2017〕274号 一（一）（二）) is run after each import for the
subjects the import touched (`after_import`) and nightly for everyone
(`xinyong lists detect`). It only ever *proposes*: the proposal waits for the list's
owner to notify the subject, hear the defence and decide (`xinyong.lists.entries`).

For each rule in force on `day`:

1. The matching records, in one query: the rule's record types, decided in the window
   (day - window, day], not revoked, of a subject of the rule's kinds, with the rule's
   field containing one of its words (`KT` text extraction, the same SQL shape on SQLite
   and PostgreSQL). Disputed records (异议) still count: a dispute is not a revocation,
   and the owner sees the record's status before deciding.
2. One GROUP BY pass over them counts the records per subject (the subjects examined);
   for those with more than `more_than`, in chunks, their matching records (read through
   the subject index) become the proposal's evidence.
3. A subject with an open entry on the list (proposed … published) is skipped. A subject
   whose last entry on the list was declined or has exited is proposed again only when
   a matching record arrived after that decision and is not part of its evidence: the
   same records never bring the same proposal back.
4. `entries.propose(…, origin="detection", origin_ref=rule key)` for the rest; a refusal
   (a minor, a subject kind the list does not take) is counted, not raised.

One audit event `xinyong.detection.run` per run records the counts.
"""

from __future__ import annotations

import calendar
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.fields.json import KT
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from xinyong.core import audit
from xinyong.core.errors import Conflict, InvalidInput
from xinyong.lists import entries
from xinyong.lists.models import CreditList, EntryEvent, ListEntry
from xinyong.policy import schema
from xinyong.policy.durations import Duration
from xinyong.policy.rules import active_rules, in_force
from xinyong.records.models import Batch, CreditRecord, RecordType
from xinyong.subjects.models import Subject

logger = logging.getLogger(__name__)

RULE_KIND = "count_in_window"
# Subjects over a threshold handled per query (well under SQLite's variable limit).
CHUNK = 500
# A proposal's entry is closed by these; its records do not bring the proposal back.
CLOSED = (ListEntry.Status.DECLINED, ListEntry.Status.EXITED)
CLOSING_EVENTS = (EntryEvent.Action.DECLINED, EntryEvent.Action.EXITED)

REASONS_WITH_FIELD = _(
    "%(start)s至%(end)s（%(window)s内）有 %(count)d 条“%(types)s”记录的“%(field)s”含有"
    "%(words)s，超过 %(more_than)d 条，符合名单发现规则“%(rule)s”。依据记录：%(documents)s。"
)
REASONS = _(
    "%(start)s至%(end)s（%(window)s内）有 %(count)d 条“%(types)s”记录，超过 %(more_than)d 条，"
    "符合名单发现规则“%(rule)s”。依据记录：%(documents)s。"
)

ALTERNATIVES = _("%(words)s或%(last)s")


@dataclass
class RuleOutcome:
    """What one rule did: subjects with a matching record in the window, those over the
    threshold, and what became of each of the latter."""

    rule: str
    list_code: str
    examined: int = 0
    over_threshold: int = 0
    proposed: int = 0
    already_open: int = 0
    already_decided: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    entries: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "list": self.list_code,
            "examined": self.examined,
            "over_threshold": self.over_threshold,
            "proposed": self.proposed,
            "already_open": self.already_open,
            "already_decided": self.already_decided,
            "refused": dict(sorted(self.refused.items())),
            "entries": self.entries,
        }


@dataclass
class DetectionReport:
    day: date
    batch: int | None
    rules: list[RuleOutcome]

    @property
    def proposed(self) -> int:
        return sum(outcome.proposed for outcome in self.rules)

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "batch": self.batch,
            "proposed": self.proposed,
            "rules": [outcome.as_dict() for outcome in self.rules],
        }


def run_detection(
    day: date,
    actor: audit.Actor,
    *,
    subject_ids: Iterable[int] | None = None,
    batch: Batch | None = None,
) -> DetectionReport:
    """Run every count-in-window rule in force on `day`; only these subjects if given,
    only the subjects with a record in `batch` if given."""
    ids = None if subject_ids is None else sorted(set(subject_ids))
    report = DetectionReport(day, batch.pk if batch else None, [])
    for rule in active_rules(RULE_KIND):
        if in_force(rule, day):
            report.rules.append(_run_rule(rule, day, actor, ids, batch))
    data = report.as_dict()
    if ids is not None:
        data["subjects"] = len(ids)
    audit.record(
        "xinyong.detection.run",
        actor,
        batch,
        data,
        object_type="lists.detection",
        object_id=day.isoformat(),
    )
    return report


def after_import(batch: Batch, day: date) -> DetectionReport | None:
    """Detection for the subjects an import touched, called by `Importer.run` once the
    import's transaction has ended.

    Not inside that transaction: a failing rule would then undo the import, and the
    import's locks would be held while proposals are written. Its own savepoint, so a
    failure leaves the caller's connection usable; it is logged, never raised, and the
    nightly run (`xinyong lists detect`) catches up with anything it missed.
    """
    if not (batch.accepted or batch.updated):
        return None  # nothing changed: no record of the batch can make a new proposal
    try:
        with transaction.atomic():
            return run_detection(day, audit.Actor.system(), batch=batch)
    except Exception:
        logger.exception("detection after batch %s failed; the nightly run will retry", batch.pk)
        return None


def window_start(window: Duration, day: date) -> date:
    """The day before the window: records decided after it, up to `day`, are counted."""
    if window.unit == "day":
        return day - timedelta(days=window.amount)
    # Months and years as the law counts them: 29 February less 1 year is 28 February.
    year, month = divmod(day.year * 12 + day.month - 1 - window.months(), 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def matching_records(
    rule: schema.CountInWindowRule,
    day: date,
    *,
    subject_ids: list[int] | None = None,
    batch: Batch | None = None,
) -> QuerySet[CreditRecord]:
    """The records the rule counts on `day` (one query, no rows fetched)."""
    records = CreditRecord.objects.filter(
        record_type__code__in=rule.match.record_types,
        decision_date__gt=window_start(rule.window, day),
        decision_date__lte=day,
        subject__kind__in=rule.subject_kinds,
    ).exclude(status=CreditRecord.Status.REVOKED)
    if rule.match.field:
        words = Q()
        for word in rule.match.contains:
            words |= Q(matched_text__contains=word)
        records = records.alias(matched_text=KT(f"payload__{rule.match.field}")).filter(words)
    if subject_ids is not None:
        records = records.filter(subject_id__in=subject_ids)
    if batch is not None:
        touched = CreditRecord.objects.filter(batch=batch).order_by().values("subject_id")
        records = records.filter(subject_id__in=touched)
    return records.order_by()


def _run_rule(
    rule: schema.CountInWindowRule,
    day: date,
    actor: audit.Actor,
    subject_ids: list[int] | None,
    batch: Batch | None,
) -> RuleOutcome:
    outcome = RuleOutcome(rule.key, rule.proposes)
    if batch is not None and batch.record_type.code not in rule.match.record_types:
        return outcome  # records of another type cannot change this rule's counts
    credit_list = entries.find_list(rule.proposes)
    records = matching_records(rule, day, subject_ids=subject_ids, batch=batch)
    # The one pass over the window: every subject with a matching record, and how many.
    counts = dict(
        records.values("subject_id").annotate(found=Count("pk")).values_list("subject_id", "found")
    )
    outcome.examined = len(counts)
    over = sorted(subject for subject, found in counts.items() if found > rule.more_than)
    outcome.over_threshold = len(over)
    texts = _Texts(rule, day)
    for start in range(0, len(over), CHUNK):
        chunk = over[start : start + CHUNK]
        evidence: dict[int, list[CreditRecord]] = defaultdict(list)
        for record in (
            records.filter(subject_id__in=chunk)
            .only("pk", "subject_id", "document_number", "decision_date", "received_at")
            .order_by("subject_id", "decision_date", "pk")
        ):
            evidence[record.subject_id].append(record)
        for subject, found in _to_propose(credit_list.pk, evidence, outcome):
            _propose(rule, credit_list, subject, found, texts, actor, outcome)
    return outcome


def _to_propose(
    list_id: int, evidence: dict[int, list[CreditRecord]], outcome: RuleOutcome
) -> list[tuple[Subject, list[CreditRecord]]]:
    """The subjects (with their records) to propose: no open entry on the list, and no
    closed one unless a matching record arrived since; the others are counted."""
    chunk = list(evidence)
    open_ids = set(
        ListEntry.objects.filter(
            credit_list_id=list_id, status__in=ListEntry.OPEN, subject_id__in=chunk
        ).values_list("subject_id", flat=True)
    )
    closed = _closed_entries(list_id, chunk)
    fresh: list[int] = []
    for subject_id, found in evidence.items():
        if subject_id in open_ids:
            outcome.already_open += 1
        elif not _has_new_record(found, closed.get(subject_id)):
            outcome.already_decided += 1
        else:
            fresh.append(subject_id)
    subjects = Subject.objects.in_bulk(fresh)
    return [(subjects[subject_id], evidence[subject_id]) for subject_id in fresh]


def _propose(
    rule: schema.CountInWindowRule,
    credit_list: CreditList,
    subject: Subject,
    found: list[CreditRecord],
    texts: _Texts,
    actor: audit.Actor,
    outcome: RuleOutcome,
) -> None:
    try:
        entry = entries.propose(
            credit_list,
            subject,
            reasons=texts.reasons(found),
            actor=actor,
            origin=ListEntry.Origin.DETECTION,
            origin_ref=rule.key,
            ground=rule.name[:200],
            evidence=found,
            today=texts.day,
        )
    except Conflict:
        outcome.already_open += 1  # proposed meanwhile by another run
    except InvalidInput as exc:
        outcome.refused[exc.code] += 1  # e.g. entry.minor: never listed, never proposed
    else:
        outcome.proposed += 1
        outcome.entries.append(entry.reference)


@dataclass
class _Closed:
    at: datetime
    evidence: set[int]


def _closed_entries(list_id: int, subjects: list[int]) -> dict[int, _Closed]:
    """Per subject: when its last entry on the list was declined or exited, and the
    records that entries so closed rested on."""
    times = (
        EntryEvent.objects.filter(
            entry__credit_list_id=list_id,
            entry__subject_id__in=subjects,
            entry__status__in=CLOSED,
            action__in=CLOSING_EVENTS,
        )
        .values("entry__subject_id")
        .annotate(at=Max("at"))
        .values_list("entry__subject_id", "at")
    )
    closed = {subject_id: _Closed(at, set()) for subject_id, at in times}
    links = ListEntry.evidence.through.objects.filter(
        listentry__credit_list_id=list_id,
        listentry__subject_id__in=subjects,
        listentry__status__in=CLOSED,
    ).values_list("listentry__subject_id", "creditrecord_id")
    for subject_id, record_id in links:
        if subject_id in closed:
            closed[subject_id].evidence.add(record_id)
    return closed


def _has_new_record(found: list[CreditRecord], closed: _Closed | None) -> bool:
    """No closed entry, or a matching record that arrived after it closed and is not one
    of the records it rested on (a corrected old record is still an old record)."""
    if closed is None:
        return True
    return any(r.received_at > closed.at and r.pk not in closed.evidence for r in found)


class _Texts:
    """The proposal's reasons, in the platform's language (they are what the subject is
    notified of), naming the count, the window, the match and the rule."""

    def __init__(self, rule: schema.CountInWindowRule, day: date) -> None:
        self.rule, self.day = rule, day
        types = list(RecordType.objects.filter(code__in=rule.match.record_types))
        self.type_names = "、".join(t.name for t in types)
        self.field_name = next(
            (
                spec.get("name", rule.match.field)
                for t in types
                for spec in t.fields
                if spec.get("code") == rule.match.field
            ),
            rule.match.field,
        )

    def reasons(self, found: list[CreditRecord]) -> str:
        rule = self.rule
        with translation.override(settings.LANGUAGE_CODE):
            params = {
                "start": (window_start(rule.window, self.day) + timedelta(days=1)).isoformat(),
                "end": self.day.isoformat(),
                "window": duration_text(rule.window),
                "count": len(found),
                "types": self.type_names,
                "field": self.field_name,
                "words": _alternatives([f"“{word}”" for word in rule.match.contains]),
                "more_than": rule.more_than,
                "rule": rule.name,
                "documents": "；".join(
                    f"{r.document_number}（{r.decision_date.isoformat()}）" for r in found
                ),
            }
            template = REASONS_WITH_FIELD if rule.match.field else REASONS
            return str(template) % params


def _alternatives(words: list[str]) -> str:
    """“甲”、“乙”或“丙”: any one of the words."""
    if len(words) < 2:
        return "".join(words)
    return str(ALTERNATIVES) % {"words": "、".join(words[:-1]), "last": words[-1]}


def duration_text(period: Duration) -> str:
    """A period in words, in the active language ("1 年" / "1 year")."""
    amount = period.amount
    words = {
        "day": ngettext("%(n)d 日", "%(n)d 日", amount),
        "working_day": ngettext("%(n)d 个工作日", "%(n)d 个工作日", amount),
        "month": ngettext("%(n)d 个月", "%(n)d 个月", amount),
        "year": ngettext("%(n)d 年", "%(n)d 年", amount),
    }
    return words[period.unit] % {"n": amount}
