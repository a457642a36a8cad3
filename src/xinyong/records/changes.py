"""Change one record outside an import (an objection's flag or correction, a revocation,
a repair), with a new chained version and an audit event in one transaction.

`content_hash` is left alone: it fingerprints what the unit last sent, so the unit
sending the same row again stays "unchanged" and does not undo the change. A unit that
sends a genuinely different row makes a new version as usual.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinyong.core import audit
from xinyong.records.models import CreditRecord, RecordVersion
from xinyong.records.versions import version_hash

_KEEP: Any = object()


def change_record(
    record: CreditRecord,
    *,
    actor: audit.Actor,
    reason: str,
    action: str,
    status: str | None = None,
    payload: dict[str, Any] | None = None,
    publicity_end: date | Any | None = _KEEP,
    data: dict[str, Any] | None = None,
) -> CreditRecord:
    """Apply the changes given, append version N+1 (reason `reason`), audit `action`.

    `payload` replaces the stored fields whole (the caller merges); `publicity_end`
    may be set to a date or to None. Locks the record row for the change.
    """
    with transaction.atomic():
        locked = CreditRecord.objects.select_for_update().get(pk=record.pk)
        before = {"status": locked.status, "publicity_end": _day(locked.publicity_end)}
        if status is not None:
            locked.status = status
        if payload is not None:
            locked.payload = payload
        if publicity_end is not _KEEP:
            locked.publicity_end = publicity_end
        now = timezone.now()
        number = locked.version + 1
        digest = version_hash(
            locked.version_hash, number, now, actor.label, reason, locked.status, locked.payload
        )
        RecordVersion.objects.create(
            record=locked,
            number=number,
            created_at=now,
            actor=actor.label,
            reason=reason,
            batch=None,
            status=locked.status,
            payload=locked.payload,
            prev_hash=locked.version_hash,
            hash=digest,
        )
        locked.version, locked.version_hash = number, digest
        locked.save(update_fields=["status", "payload", "publicity_end", "version", "version_hash"])
        after = {"status": locked.status, "publicity_end": _day(locked.publicity_end)}
        audit.record(
            action,
            actor,
            locked,
            {
                "document_number": locked.document_number,
                "version": number,
                "reason": reason,
                "before": before,
                "after": after,
                **(data or {}),
            },
        )
    record.refresh_from_db()
    return record


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
