"""The one ingestion pipeline behind the API, the command line and the console upload.

1. `start_batch` checks the unit may report the type and records the batch (committed
   at once, so a crash leaves a trace).
2. `Importer.run` streams rows in chunks inside ONE transaction: a killed import leaves
   no half-visible batch, and running it again completes it (the natural key makes the
   rerun idempotent).
3. Per chunk: validate every row (rejections go to quarantine with their errors), find or
   create the subjects in bulk, match existing records by natural key (source unit, type,
   decision document number, subject), then insert new records, update changed ones
   with a new hash-chained version, and count unchanged ones.
4. The batch's counts, its status and an audit event are written in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core import audit, pii
from xinyong.core.calendar import WorkCalendar
from xinyong.core.errors import PermissionDenied
from xinyong.records.deadlines import RecordDeadlines
from xinyong.records.errors import RowError
from xinyong.records.models import Batch, CreditRecord, QuarantinedRow, RecordType, RecordVersion
from xinyong.records.subjects_index import SubjectResolver, subject_key
from xinyong.records.validation import RowValidator, ValidRow
from xinyong.records.versions import GENESIS, canonical, content_hash, version_hash
from xinyong.subjects.models import Unit
from xinyong.subjects.services import ID_CONTEXT

QUARANTINE_CONTEXT = "records.quarantine"
_UPDATED_FIELDS = [
    "decision_date",
    "categories",
    "status",
    "payload",
    "sealed",
    "content_hash",
    "version",
    "version_hash",
    "batch",
    "publication_deadline",
    "publicity_start",
    "publicity_end",
]
LEGAL_REP_CONTEXT = "records.legal_representative_id"


@dataclass(frozen=True)
class SourceRow:
    """One input row: its number as the source shows it, cells by field code, and the
    original cells by header (kept for quarantine and the error report)."""

    row: int
    cells: dict[str, str]
    original: dict[str, str]


@dataclass
class ImportResult:
    batch: Batch
    accepted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Each row's outcome, kept only when asked for (an API call of ≤ 10,000 rows); a
    # file of a million rows reports counts and errors only.
    outcomes: list[tuple[int, str]] | None = None

    def note(self, row: int, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        if self.outcomes is not None:
            self.outcomes.append((row, outcome))

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch": self.batch.pk,
            "accepted": self.accepted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [error.as_dict() for error in self.errors],
        }


def check_unit_may_report(unit: Unit, record_type: RecordType) -> None:
    if record_type.reported_by and unit.kind not in record_type.reported_by:
        raise PermissionDenied(
            "batch.unit_not_allowed",
            _("%(unit)s 不能报送“%(type)s”信息"),
            params={"unit": unit.name, "type": record_type.name},
        )


def start_batch(
    unit: Unit, record_type: RecordType, source: str, actor: audit.Actor, file: Any = None
) -> Batch:
    check_unit_may_report(unit, record_type)
    if file is not None:
        # A batch of the same file still "running" was interrupted: its transaction
        # rolled back, so nothing of it is visible; say so instead of leaving it open.
        Batch.objects.filter(file=file, status=Batch.Status.RUNNING).update(
            status=Batch.Status.FAILED, failure="interrupted", finished_at=timezone.now()
        )
    return Batch.objects.create(
        unit=unit,
        record_type=record_type,
        source=source,
        file=file,
        status=Batch.Status.RUNNING,
        actor=actor.label,
    )


def _chunks(rows: Iterable[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


class Importer:
    def __init__(
        self,
        batch: Batch,
        actor: audit.Actor,
        *,
        today: date | None = None,
        chunk_size: int = 2000,
        keep_outcomes: bool = False,
    ) -> None:
        self.batch = batch
        self.actor = actor
        self.type = batch.record_type
        self.chunk_size = chunk_size
        self.now = timezone.now()
        self.validator = RowValidator(
            self.type.fields, self.type.data_format, today=today or timezone.localdate()
        )
        self.deadlines = RecordDeadlines(self.type.code, WorkCalendar.load())
        self.subjects = SubjectResolver()
        self.roles = {spec["role"]: spec["code"] for spec in self.type.fields if spec.get("role")}
        self.result = ImportResult(batch, outcomes=[] if keep_outcomes else None)

    def run(
        self, rows: Iterable[SourceRow], progress: Callable[[int], None] | None = None
    ) -> ImportResult:
        try:
            with transaction.atomic():
                done = 0
                for chunk in _chunks(rows, self.chunk_size):
                    self._chunk(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done)
                self._finish(done)
        except Exception as exc:
            Batch.objects.filter(pk=self.batch.pk).update(
                status=Batch.Status.FAILED, failure=str(exc)[:2000], finished_at=timezone.now()
            )
            raise
        return self.result

    def _finish(self, total: int) -> None:
        batch, result = self.batch, self.result
        batch.total, batch.accepted, batch.updated = total, result.accepted, result.updated
        batch.unchanged, batch.rejected = result.unchanged, result.rejected
        batch.status, batch.finished_at = Batch.Status.DONE, timezone.now()
        batch.save()
        audit.record(
            "xinyong.batch.imported",
            self.actor,
            batch,
            {
                "unit": batch.unit.code,
                "type": self.type.code,
                "total": total,
                "accepted": result.accepted,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rejected": result.rejected,
                "subjects_created": self.subjects.created,
            },
        )

    # --- one chunk ------------------------------------------------------------------
    def _chunk(self, chunk: list[SourceRow]) -> None:
        valid: list[ValidRow] = []
        quarantine: list[QuarantinedRow] = []
        for source in chunk:
            outcome = self.validator.validate(source.row, source.cells)
            if isinstance(outcome, ValidRow):
                valid.append(outcome)
            else:
                quarantine.append(self._quarantine(source, outcome))
        QuarantinedRow.objects.bulk_create(quarantine)
        if valid:
            self._store(valid)

    def _quarantine(self, source: SourceRow, errors: list[RowError]) -> QuarantinedRow:
        self.result.note(source.row, "rejected")
        self.result.errors.extend(errors)
        return QuarantinedRow(
            batch=self.batch,
            row_number=source.row,
            cells_enc=pii.encrypt(canonical(source.original), QUARANTINE_CONTEXT),
            errors=[error.as_dict() for error in errors],
        )

    def _store(self, rows: list[ValidRow]) -> None:
        subject_ids = self.subjects.resolve(rows)
        keyed = [(row, subject_ids[subject_key(row)]) for row in rows]
        existing = self._existing(keyed)
        new: dict[tuple[str, int], CreditRecord] = {}
        changed: dict[int, CreditRecord] = {}
        versions: list[RecordVersion] = []
        for row, subject_id in keyed:
            natural = (row.document_number, subject_id)
            record = new.get(natural) or existing.get(natural)
            payload, sealed, indexes = self._payload(row)
            digest = content_hash(payload, row.status, indexes)
            if record is None:
                record = self._new_record(row, subject_id, payload, sealed, digest)
                new[natural] = record
                self.result.note(row.row, "accepted")
                versions.append(self._version(record, "created"))
            elif record.content_hash == digest:
                self.result.note(row.row, "unchanged")
            else:
                # A record met twice in one file is versioned twice, in file order.
                self._change(record, row, payload, sealed, digest)
                if record.pk is not None:
                    changed[record.pk] = record
                self.result.note(row.row, "updated")
                versions.append(self._version(record, "updated"))
        CreditRecord.objects.bulk_create(new.values())
        CreditRecord.objects.bulk_update(changed.values(), _UPDATED_FIELDS)
        RecordVersion.objects.bulk_create(versions)

    def _existing(self, keyed: list[tuple[ValidRow, int]]) -> dict[tuple[str, int], CreditRecord]:
        documents = {row.document_number for row, _ in keyed}
        query = CreditRecord.objects.filter(
            unit=self.batch.unit, record_type=self.type, document_number__in=documents
        )
        return {(record.document_number, record.subject_id): record for record in query}

    def _payload(self, row: ValidRow) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
        """The fields as stored and versioned: personal ID numbers only masked."""
        payload: dict[str, Any] = dict(row.values)
        sealed: dict[str, Any] = {}
        indexes: dict[str, str] = {}
        if row.id_number and "id_number" in self.roles:
            payload[self.roles["id_number"]] = pii.mask(row.id_number)
            indexes["id_number"] = pii.blind_index(row.id_number, ID_CONTEXT)
        if row.legal_representative_id and "legal_representative_id" in self.roles:
            code = self.roles["legal_representative_id"]
            payload[code] = pii.mask(row.legal_representative_id)
            indexes[code] = pii.blind_index(row.legal_representative_id, LEGAL_REP_CONTEXT)
            sealed[code] = pii.encrypt(row.legal_representative_id, LEGAL_REP_CONTEXT)
        return payload, sealed, indexes

    def _dates(self, row: ValidRow) -> dict[str, date | None]:
        window = (
            self.deadlines.publicity_window(row.decision_date)
            if self.type.nature == RecordType.Nature.NEGATIVE
            else None
        )
        return {
            "publication_deadline": self.deadlines.publication_deadline(row.decision_date),
            "publicity_start": window[0] if window else None,
            "publicity_end": window[1] if window else None,
        }

    def _new_record(
        self,
        row: ValidRow,
        subject_id: int,
        payload: dict[str, Any],
        sealed: dict[str, Any],
        digest: str,
    ) -> CreditRecord:
        return CreditRecord(
            subject_id=subject_id,
            record_type=self.type,
            unit=self.batch.unit,
            document_number=row.document_number,
            decision_date=row.decision_date,
            categories=list(row.categories),
            status=row.status,
            payload=payload,
            sealed=sealed,
            content_hash=digest,
            version=1,
            version_hash=GENESIS,
            received_at=self.now,
            batch=self.batch,
            **self._dates(row),
        )

    def _change(
        self,
        record: CreditRecord,
        row: ValidRow,
        payload: dict[str, Any],
        sealed: dict[str, Any],
        digest: str,
    ) -> None:
        record.decision_date, record.categories = row.decision_date, list(row.categories)
        record.status, record.payload, record.sealed = row.status, payload, sealed
        record.content_hash, record.batch = digest, self.batch
        record.version += 1
        for name, value in self._dates(row).items():
            setattr(record, name, value)

    def _version(self, record: CreditRecord, reason: str) -> RecordVersion:
        at: datetime = self.now
        digest = version_hash(
            record.version_hash,
            record.version,
            at,
            self.actor.label,
            reason,
            record.status,
            record.payload,
        )
        version = RecordVersion(
            record=record,
            number=record.version,
            created_at=at,
            actor=self.actor.label,
            reason=reason,
            batch=self.batch,
            status=record.status,
            payload=record.payload,
            prev_hash=record.version_hash,
            hash=digest,
        )
        record.version_hash = digest
        return version
