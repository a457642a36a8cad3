"""Which credit records the public may see: the one rule every portal page goes through.

A record is public when

1. it is not revoked (撤销): a revoked decision is gone from every public page;
2. its publicity window is open: `publicity_end` is empty (licences, and records whose
   type has no publicity period) or today or later. A record is public through the last
   day of its window and absent the day after, by this filter alone: no job has to run
   at midnight, and a late job cannot leave an expired penalty on show;
3. it is not withheld (`withheld`, set at import from the pack's rules): a record about
   a person under the `minor_records` age on the decision date ("minor"), or a decision
   whose every penalty kind the `lenient_publicity` rule keeps from the public
   ("lenient"), is never public, whatever its window says;
4. its subject is not a natural person, or its type is one the pack makes public for
   persons (`RecordType.public_for_persons`).

Disputed records (异议) stay public; pages flag them while the objection is handled.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from xinyong.records.models import CreditRecord
from xinyong.subjects.models import Subject


def _open(records: QuerySet[CreditRecord], today: date | None) -> QuerySet[CreditRecord]:
    """Rules 1 to 3: not revoked, publicity window open on `today`, not withheld."""
    today = today or timezone.localdate()
    return records.exclude(status=CreditRecord.Status.REVOKED).filter(
        Q(publicity_end__isnull=True) | Q(publicity_end__gte=today),
        withheld=CreditRecord.Withheld.NO,
    )


def public_records(today: date | None = None) -> QuerySet[CreditRecord]:
    """The records the public may see on `today` (the local date by default)."""
    return _open(CreditRecord.objects.all(), today).filter(
        ~Q(subject__kind=Subject.Kind.PERSON) | Q(record_type__public_for_persons=True)
    )


def public_records_of(subject: Subject, today: date | None = None) -> QuerySet[CreditRecord]:
    """The same rule for one subject whose kind is known: rule 4 needs no join then.

    A subject page runs on every visit; this is `public_records().filter(subject=…)`
    without the join to the subject, and without the one to the record type for all
    but persons.
    """
    records = _open(CreditRecord.objects.filter(subject=subject), today)
    if subject.kind == Subject.Kind.PERSON:
        records = records.filter(record_type__public_for_persons=True)
    return records


def is_disputed(record: CreditRecord) -> bool:
    """Whether a page must mark the record 异议处理中 (under objection)."""
    return record.status == CreditRecord.Status.DISPUTED
