"""The nightly record of penalties whose publicity ended (`xinyong publicity expire`).

A record leaves the public pages the day after its last public day by the date filter
of `records.visibility` alone: the portal never waits for this job, and a missed night
changes nothing the public sees. The job only writes the history: one audit event
`xinyong.record.publicity_ended` per record whose `publicity_end` is before the day,
that was public (not withheld, not revoked) and has no such event for that same end
yet. Running it twice records nothing new; a run after missed nights catches up.

Many records expire on some days (and a first run meets every record that ever
expired), so it works in batches of `BATCH` records: one query finds a batch of
records without an event (an anti-join on the audit log's object index), and the batch's
events are appended to the audit chain at once (`audit.record_many`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from xinyong.core import audit, pii
from xinyong.core.calendar import WorkCalendar
from xinyong.core.models import AuditEvent
from xinyong.records import holds
from xinyong.records.deadlines import RecordDeadlines
from xinyong.records.models import CreditRecord, RecordType
from xinyong.subjects.models import Subject
from xinyong.subjects.services import ID_CONTEXT

ACTION = "xinyong.record.publicity_ended"
OBJECT_TYPE = CreditRecord._meta.label_lower
BATCH = 1000


@dataclass
class ExpiryReport:
    day: date
    ended: int = 0  # public records whose publicity ended before the day
    recorded: int = 0  # events written by this run

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "ended": self.ended,
            "recorded": self.recorded,
            "already_recorded": self.ended - self.recorded,
        }


def ended_before(day: date) -> QuerySet[CreditRecord]:
    """Records that were public and whose last public day is before `day`."""
    return (
        CreditRecord.objects.filter(publicity_end__lt=day, withheld=CreditRecord.Withheld.NO)
        .exclude(status=CreditRecord.Status.REVOKED)
        .order_by()
    )


def _unrecorded(day: date) -> QuerySet[CreditRecord]:
    """`ended_before(day)` without an event for the record's current end."""
    recorded = (
        AuditEvent.objects.filter(
            action=ACTION,
            object_type=OBJECT_TYPE,
            object_id=Cast(OuterRef("pk"), CharField()),
        )
        .alias(end=KT("data__publicity_end"))
        .filter(end=Cast(OuterRef("publicity_end"), CharField()))
    )
    return ended_before(day).filter(~Exists(recorded))


def expire(day: date | None = None, actor: audit.Actor | None = None) -> ExpiryReport:
    """Record every publicity that ended before `day` (default today) and is not recorded."""
    day = day or timezone.localdate()
    actor = actor or audit.Actor.system()
    report = ExpiryReport(day)
    after = 0
    while True:
        with transaction.atomic():
            # Lock the chain's head first: a second run waits here, then finds the
            # records this one recorded.
            audit.locked_head()
            batch = list(
                _unrecorded(day)
                .filter(pk__gt=after)
                .order_by("pk")
                .values_list("pk", "publicity_end")[:BATCH]
            )
            if not batch:
                break
            _append(actor, batch)
        report.recorded += len(batch)
        after = batch[-1][0]
    report.ended = ended_before(day).count()
    return report


def _append(actor: audit.Actor, batch: list[tuple[int, date | None]]) -> None:
    events = []
    for pk, end in batch:
        assert end is not None  # selected by `publicity_end < day`
        data = {"publicity_end": end.isoformat(), "ended_on": (end + timedelta(days=1)).isoformat()}
        events.append(audit.Pending(ACTION, OBJECT_TYPE, str(pk), data))
    audit.record_many(actor, events)


# --- recomputing -------------------------------------------------------------------------
RECOMPUTED = "xinyong.record.publicity_recomputed"
# Severity too: a severity rule added to the pack reclassifies stored records.
PUBLICITY_FIELDS = (
    "severity",
    "publicity_start",
    "publicity_end",
    "publicity_minimum_end",
    "withheld",
)


@dataclass
class RecomputeReport:
    examined: int = 0
    changed: int = 0
    by_type: dict[str, int] = field(default_factory=dict)  # changed, per record type

    def as_dict(self) -> dict[str, Any]:
        return {"examined": self.examined, "changed": self.changed, "by_type": self.by_type}


def recompute(actor: audit.Actor, type_code: str | None = None) -> RecomputeReport:
    """Work out every negative record's publicity again from its stored fields under the
    pack's rules, as an import of the same row would today: for records imported before
    a rule was added or corrected (a new leniency or minor rule, a fixed period).

    What procedures decided stays (`records.holds`: a repair's early end). Persons'
    ID numbers are decrypted only to tell a minor's record (the birth date), never kept
    or shown; the run writes one audit event with its counts.
    """
    report = RecomputeReport()
    calendar = WorkCalendar.load()
    types = RecordType.objects.filter(nature=RecordType.Nature.NEGATIVE).order_by("code")
    if type_code:
        types = types.filter(code=type_code)
    for record_type in types:
        deadlines = RecordDeadlines(record_type.code, calendar)
        changed = 0
        after = 0
        while True:
            batch = list(
                CreditRecord.objects.filter(record_type=record_type, pk__gt=after)
                .select_related("subject")
                .only(
                    "decision_date",
                    "payload",
                    *PUBLICITY_FIELDS,
                    "subject__kind",
                    "subject__id_number_enc",
                )
                .order_by("pk")[:BATCH]
            )
            if not batch:
                break
            after = batch[-1].pk
            held = holds.for_records([record.pk for record in batch])
            stale = [r for r in batch if _refreshed(r, deadlines, held.get(r.pk))]
            CreditRecord.objects.bulk_update(stale, PUBLICITY_FIELDS)
            report.examined += len(batch)
            changed += len(stale)
        report.by_type[record_type.code] = changed
        report.changed += changed
    audit.record(RECOMPUTED, actor, data=report.as_dict())
    return report


def _refreshed(record: CreditRecord, deadlines: RecordDeadlines, hold: holds.Hold | None) -> bool:
    """Set the record's publicity as the rules give it; whether anything changed."""
    severity = deadlines.severity_of(record.decision_date, record.payload)
    publicity = deadlines.publicity_for(record.decision_date, record.payload, severity)
    withheld = publicity.withheld
    subject = record.subject
    if subject.kind == Subject.Kind.PERSON and subject.id_number_enc:
        id_number = pii.decrypt(subject.id_number_enc, ID_CONTEXT)
        if deadlines.is_minor(id_number, record.decision_date):
            withheld = CreditRecord.Withheld.MINOR
    end = publicity.end
    if hold is not None and hold.ends_by is not None:
        end = hold.ends_by if end is None else min(end, hold.ends_by)
    fresh = (severity, publicity.start, end, publicity.minimum_end, withheld)
    if fresh == tuple(getattr(record, name) for name in PUBLICITY_FIELDS):
        return False
    for name, value in zip(PUBLICITY_FIELDS, fresh, strict=True):
        setattr(record, name, value)
    return True
