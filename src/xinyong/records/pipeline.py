"""The one ingestion pipeline behind the API, the command line and the console upload.

1. `start_batch` checks the unit may report the type and records the batch (committed
   at once, so a crash leaves a trace).
2. `Importer.run` streams rows in chunks inside ONE transaction: a killed import leaves
   no half-visible batch, and running it again completes it (the natural key makes the
   rerun idempotent).
3. Per chunk: validate every row (rejections go to quarantine with their errors), find or
   create the subjects in bulk, match existing records by natural key (source unit, type,
   decision document number, subject), then insert new records, update changed ones
   with a new hash-chained version, and count unchanged ones. Each record's publicity
   (start, end, minimum end, withheld) comes from the rules in force on its decision
   date (`deadlines`), computed once per distinct key, not per row.
4. The batch's counts, its status and an audit event are written in the same transaction.
5. After it, the detection rules run for the subjects the batch touched (lists.detection).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core import audit, pii
from xinyong.core.calendar import WorkCalendar
from xinyong.core.errors import PermissionDenied
from xinyong.lists.detection import after_import
from xinyong.records import holds
from xinyong.records.deadlines import GENERAL, MINOR, NO_PERIOD, RecordDeadlines
from xinyong.records.errors import RowError
from xinyong.records.models import Batch, CreditRecord, QuarantinedRow, RecordType
from xinyong.records.subjects_index import SubjectResolver, subject_key
from xinyong.records.validation import PERSON, RowValidator, ValidRow
from xinyong.records.versions import GENESIS, canonical, content_hash_of, stamp, version_hash_of
from xinyong.records.writer import (
    RECORD_COLUMNS,
    UPDATED_COLUMNS,
    RecordWriter,
    day,
    moment,
    to_json,
)
from xinyong.subjects.models import Unit
from xinyong.subjects.services import ID_CONTEXT

QUARANTINE_CONTEXT = "records.quarantine"
LEGAL_REP_CONTEXT = "records.legal_representative_id"
# Distinct publicity keys kept per import; the cache is emptied when it grows past this.
DATES_CACHE_LIMIT = 100_000
# Deadline, publicity start, end and minimum end (as the driver writes them), withheld.
_Dates = tuple[Any, Any, Any, Any, str]


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
        self.writer = RecordWriter()
        # One time for the whole import: every version it writes says when, the same.
        self.stamp = stamp(self.now)
        self.received_at = moment(self.now)
        self.negative = self.type.nature == RecordType.Nature.NEGATIVE
        self._dates_cache: dict[Hashable, _Dates] = {}
        self._deadline_cache: dict[date, Any] = {}
        self._categories_cache: dict[tuple[str, ...], str] = {}

    def run(
        self, rows: Iterable[SourceRow], progress: Callable[[int], None] | None = None
    ) -> ImportResult:
        try:
            with transaction.atomic():
                done = 0
                for chunk in _chunks(rows, self.chunk_size):
                    self._chunk(chunk)
                    done += len(chunk)
                    self.writer.refresh_statistics()
                    if progress is not None:
                        progress(done)
                self._finish(done)
        except Exception as exc:
            Batch.objects.filter(pk=self.batch.pk).update(
                status=Batch.Status.FAILED, failure=str(exc)[:2000], finished_at=timezone.now()
            )
            raise
        # Detection rules for the subjects this batch touched, after the import's own
        # transaction so that a failing rule can never undo it (see after_import).
        after_import(self.batch, self.validator.today)
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
        known = self._existing(keyed)
        plan = _ChunkPlan()
        moves: list[tuple[_RecordState, _Body]] = []
        for row, subject_id in keyed:
            natural = (row.document_number, subject_id)
            body = self._body(row)
            state = plan.new.get(natural) or known.get(natural)
            if state is None:
                state = plan.new[natural] = self._created(row, subject_id)
                outcome = "accepted"
            elif state.content_hash == body.digest:
                self.result.note(row.row, "unchanged")
                continue
            else:
                # A record met twice in one file is versioned twice, in file order.
                if not state.is_new:
                    plan.changed[state.id] = state
                outcome = "updated"
            # The content hash moves now, so the same row met again is "unchanged".
            state.content_hash = body.digest
            moves.append((state, body))
            self.result.note(row.row, outcome)
        for record_id, hold in holds.for_records(plan.changed.keys()).items():
            plan.changed[record_id].hold = hold
        plan.versions = [self._version(state, body) for state, body in moves]
        self._write(plan)

    def _write(self, plan: _ChunkPlan) -> None:
        ids = self.writer.allocate_record_ids(len(plan.new))
        for state, record_id in zip(plan.new.values(), ids, strict=True):
            state.id = record_id
        self.writer.insert_records(
            [
                tuple(values[name] for name in RECORD_COLUMNS)
                for values in map(self._record_values, plan.new.values())
            ]
        )
        self.writer.update_records(
            [
                (*(values[name] for name in UPDATED_COLUMNS), values["id"])
                for values in map(self._record_values, plan.changed.values())
            ]
        )
        self.writer.insert_versions([self._version_row(version) for version in plan.versions])

    def _existing(self, keyed: list[tuple[ValidRow, int]]) -> dict[tuple[str, int], _RecordState]:
        """The chunk's records already stored: their key, hashes and version only."""
        documents = {row.document_number for row, _ in keyed}
        # No ordering: sorting by the model's default order made SQLite walk the
        # (type, date) index over every record of the type instead of the natural key.
        query = (
            CreditRecord.objects.filter(
                unit=self.batch.unit, record_type=self.type, document_number__in=documents
            )
            .order_by()
            .values_list(
                "pk", "document_number", "subject_id", "content_hash", "version", "version_hash"
            )
        )
        return {
            (document, subject_id): _RecordState(
                id=pk,
                subject_id=subject_id,
                document_number=document,
                content_hash=digest,
                version=version,
                version_hash=chain,
                is_new=False,
            )
            for pk, document, subject_id, digest, version, chain in query
        }

    def _body(self, row: ValidRow) -> _Body:
        """The fields as stored and versioned (personal ID numbers only masked), encoded once."""
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
        text = canonical(payload)
        return _Body(
            row=row,
            payload=text,
            sealed=to_json(sealed) if sealed else "{}",
            digest=content_hash_of(text, row.status, indexes),
        )

    def _dates(self, row: ValidRow, severity: str) -> _Dates:
        """Publication deadline and publicity (start, end, minimum end) as the driver
        writes them, and why the record is withheld: computed once per distinct key
        (decision date and the few fields publicity depends on), not per row."""
        decided = row.decision_date
        facts = self.deadlines.facts(decided, row.values, severity) if self.negative else None
        key: Hashable = facts if facts is not None else decided
        dates = self._dates_cache.get(key)
        if dates is None:
            if len(self._dates_cache) >= DATES_CACHE_LIMIT:
                self._dates_cache.clear()
            publicity = NO_PERIOD if facts is None else self.deadlines.publicity_of(facts)
            dates = self._dates_cache[key] = (
                self._deadline(decided),
                day(publicity.start),
                day(publicity.end),
                day(publicity.minimum_end),
                publicity.withheld,
            )
        if (
            row.subject_kind == PERSON
            and row.id_number
            and self.deadlines.is_minor(row.id_number, decided)
        ):
            dates = (*dates[:4], MINOR)
        return dates

    def _severity(self, row: ValidRow) -> str:
        """The pack's severity of the row (its penalty kinds and fine)."""
        if not self.negative:
            return GENERAL
        return self.deadlines.severity_of(row.decision_date, row.values)

    def _deadline(self, decided: date) -> Any:
        if decided not in self._deadline_cache:
            self._deadline_cache[decided] = day(self.deadlines.publication_deadline(decided))
        return self._deadline_cache[decided]

    def _created(self, row: ValidRow, subject_id: int) -> _RecordState:
        return _RecordState(
            id=0,
            subject_id=subject_id,
            document_number=row.document_number,
            content_hash="",
            version=0,
            version_hash=GENESIS,
            is_new=True,
        )

    def _version(self, state: _RecordState, body: _Body) -> _Version:
        """Move the record to `body` as its next version, chained to the previous one."""
        state.version += 1
        state.body = body
        reason = "created" if state.version == 1 else "updated"
        status = state.status_of(body.row.status)
        digest = version_hash_of(
            state.version_hash,
            state.version,
            self.stamp,
            self.actor.label,
            reason,
            status,
            body.payload,
        )
        version = _Version(state, state.version, reason, body, status, state.version_hash, digest)
        state.version_hash = digest
        return version

    def _version_row(self, version: _Version) -> tuple[Any, ...]:
        """A version in `VERSION_COLUMNS` order."""
        return (
            version.state.id,
            version.number,
            self.received_at,
            self.actor.label,
            version.reason,
            self.batch.pk,
            version.status,
            version.body.payload,
            version.prev_hash,
            version.hash,
        )

    def _record_values(self, state: _RecordState) -> dict[str, Any]:
        """A record's columns (`RECORD_COLUMNS`) at its latest version."""
        assert state.body is not None
        row = state.body.row
        severity = self._severity(row)
        deadline, start, end, minimum_end, withheld = self._dates(row, severity)
        if state.hold is not None and state.hold.ends_by is not None:
            # Driver forms of one vendor compare as their dates do (ISO text or date).
            held = day(state.hold.ends_by)
            end = held if end is None else min(end, held)
        return {
            "id": state.id,
            "subject_id": state.subject_id,
            "record_type_id": self.type.pk,
            "unit_id": self.batch.unit_id,
            "document_number": state.document_number,
            "decision_date": day(row.decision_date),
            "categories": self._categories(row.categories),
            "severity": severity,
            "status": state.status_of(row.status),
            "value": row.value,
            "payload": state.body.payload,
            "sealed": state.body.sealed,
            "content_hash": state.content_hash,
            "version": state.version,
            "version_hash": state.version_hash,
            "received_at": self.received_at,
            "publication_deadline": deadline,
            "publicity_start": start,
            "publicity_end": end,
            "publicity_minimum_end": minimum_end,
            "withheld": withheld,
            "batch_id": self.batch.pk,
        }

    def _categories(self, categories: tuple[str, ...]) -> str:
        text = self._categories_cache.get(categories)
        if text is None:
            text = self._categories_cache[categories] = to_json(list(categories))
        return text


@dataclass(slots=True)
class _Body:
    """A row's stored content: canonical payload text, sealed fields, content hash."""

    row: ValidRow
    payload: str
    sealed: str
    digest: str


@dataclass(slots=True)
class _RecordState:
    """What the chunk knows of a record: its key, hashes, version and latest content."""

    id: int
    subject_id: int
    document_number: str
    content_hash: str
    version: int
    version_hash: str
    is_new: bool
    body: _Body | None = None
    # What an objection or a repair decided that this import must not undo (`holds`).
    hold: holds.Hold | None = None

    def status_of(self, incoming: str) -> str:
        return incoming if self.hold is None else self.hold.status(incoming)


@dataclass(slots=True)
class _Version:
    state: _RecordState
    number: int
    reason: str
    body: _Body
    status: str
    prev_hash: str
    hash: str


@dataclass
class _ChunkPlan:
    new: dict[tuple[str, int], _RecordState] = field(default_factory=dict)
    changed: dict[int, _RecordState] = field(default_factory=dict)
    versions: list[_Version] = field(default_factory=list)
