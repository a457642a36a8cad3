"""Rejected rows (待更正行): read them, correct and resubmit them, or discard them.

A quarantined row keeps its original cells encrypted (`{header: cell}` as canonical
JSON, so in key order) with its errors. Personal ID numbers are never shown back in
full: `RowCell.shown` masks them, and a clerk correcting a row types them again.

`resubmit` sends the corrected row through the pipeline as a new one-row batch (source
console), in one transaction with the row's new status and the audit event: when the
row is rejected again, everything is rolled back and `StillRejected` carries the new
errors, so the row stays open and nothing half-done remains.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core import audit, pii
from xinyong.core.errors import Conflict, InvalidInput
from xinyong.records.errors import RowError
from xinyong.records.headers import map_headers
from xinyong.records.models import Batch, QuarantinedRow
from xinyong.records.pipeline import QUARANTINE_CONTEXT, Importer, SourceRow, start_batch

ID_ROLES = frozenset({"id_number", "legal_representative_id"})
MAX_REASON = 200


@dataclass(frozen=True)
class RowCell:
    """One cell of a quarantined row, with the catalogue field its header names."""

    header: str
    value: str
    code: str | None = None
    name: str = ""
    is_id: bool = False

    @property
    def shown(self) -> str:
        """The value as a page may show it: ID numbers masked."""
        return pii.mask(self.value) if self.is_id and self.value else self.value

    @property
    def label(self) -> str:
        if self.name and self.name != self.header:
            return f"{self.header}（{self.name}）"
        return self.header


@dataclass(frozen=True)
class Resubmitted:
    row: QuarantinedRow
    batch: Batch
    outcome: str  # "accepted" | "updated" | "unchanged"


class StillRejected(InvalidInput):
    """The corrected row has errors again; nothing was stored."""

    def __init__(self, row: int, errors: list[RowError]) -> None:
        super().__init__(
            "quarantine.still_rejected",
            _("更正后的第 %(row)s 行仍有 %(count)s 处错误，未提交"),
            params={"row": row, "count": len(errors)},
        )
        self.errors = errors


def _is_id(spec: dict[str, Any]) -> bool:
    return spec.get("type") == "id_number" or spec.get("role") in ID_ROLES


def original_cells(row: QuarantinedRow) -> dict[str, str]:
    """The row's cells as received, `{header: cell}`, decrypted."""
    cells = json.loads(pii.decrypt(row.cells_enc, QUARANTINE_CONTEXT))
    return {str(header): "" if value is None else str(value) for header, value in cells.items()}


def row_cells(row: QuarantinedRow, *, complete: bool = False) -> list[RowCell]:
    """The row's cells in catalogue order, then columns that match no field.

    With `complete`, a field of the type that the row has no column for is added, empty,
    under its Chinese name, so that a form can fill it (rows sent through the API keep
    only the keys they had).
    """
    fields = row.batch.record_type.fields
    original = original_cells(row)
    headers = list(original)
    mapped = map_headers(headers, fields).columns
    by_code = {str(spec["code"]): spec for spec in fields}
    rank = {code: index for index, code in enumerate(by_code)}
    cells: list[tuple[int, RowCell]] = []
    for index, header in enumerate(headers):
        code = mapped.get(index)
        spec = by_code.get(code or "", {})
        cell = RowCell(header, original[header], code, str(spec.get("name") or ""), _is_id(spec))
        cells.append((rank.get(code or "", len(rank)), cell))
    if complete:
        present = set(mapped.values())
        for code, spec in by_code.items():
            if code not in present:
                name = str(spec.get("name") or code)
                cells.append((rank[code], RowCell(name, "", code, name, _is_id(spec))))
    cells.sort(key=lambda item: item[0])  # stable: unknown columns keep their order
    return [cell for _, cell in cells]


def _locked_open(row: QuarantinedRow) -> QuarantinedRow:
    locked = (
        QuarantinedRow.objects.select_for_update()
        .select_related("batch__unit", "batch__record_type")
        .get(pk=row.pk)
    )
    if locked.status != QuarantinedRow.Status.OPEN:
        raise Conflict(
            "quarantine.closed",
            _("第 %(row)s 行已处理（%(status)s），不能再更正或放弃"),
            params={"row": locked.row_number, "status": locked.get_status_display()},
        )
    return locked


def resubmit(row: QuarantinedRow, cells: dict[str, str], actor: audit.Actor) -> Resubmitted:
    """Import the corrected cells `{header: cell}` as a new one-row console batch.

    1. Lock the row and check it is still open (`quarantine.closed` otherwise).
    2. Start a batch of the same unit and type (the unit check applies again) and run
       the row through the `Importer`, keeping its row number.
    3. Rejected again: raise `StillRejected`, which rolls back steps 2-4.
    4. Mark the row resubmitted and record `xinyong.quarantine.resubmitted`.
    """
    with transaction.atomic():
        locked = _locked_open(row)
        source = locked.batch
        batch = start_batch(source.unit, source.record_type, Batch.Source.CONSOLE, actor)
        headers = list(cells)
        header_map = map_headers(headers, source.record_type.fields)
        corrected = SourceRow(
            locked.row_number, header_map.cells([cells[h] for h in headers]), dict(cells)
        )
        result = Importer(batch, actor, keep_outcomes=True).run([corrected])
        if result.rejected:
            raise StillRejected(locked.row_number, result.errors)
        outcome = result.outcomes[0][1] if result.outcomes else "accepted"
        locked.status, locked.resolved_at = QuarantinedRow.Status.RESUBMITTED, timezone.now()
        locked.save(update_fields=["status", "resolved_at"])
        audit.record(
            "xinyong.quarantine.resubmitted",
            actor,
            locked,
            {
                "batch": source.pk,
                "row": locked.row_number,
                "new_batch": batch.pk,
                "outcome": outcome,
            },
        )
    return Resubmitted(locked, batch, outcome)


def discard(row: QuarantinedRow, actor: audit.Actor, reason: str = "") -> QuarantinedRow:
    """Give the row up: it stays (encrypted) for the record, closed, with an audit event."""
    with transaction.atomic():
        locked = _locked_open(row)
        locked.status, locked.resolved_at = QuarantinedRow.Status.DISCARDED, timezone.now()
        locked.save(update_fields=["status", "resolved_at"])
        audit.record(
            "xinyong.quarantine.discarded",
            actor,
            locked,
            {
                "batch": locked.batch_id,
                "row": locked.row_number,
                "reason": reason.strip()[:MAX_REASON],
            },
        )
    return locked
