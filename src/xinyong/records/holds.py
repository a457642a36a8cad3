"""Holds: what a procedure outside imports has decided about a record, which the unit's
next import of a changed row must not undo.

An open objection keeps a record flagged as disputed (异议) until it is decided; an
approved credit repair keeps the publicity end it set. The rights app registers the
providers (`register`), so the import pipeline does not depend on it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

from xinyong.records.models import CreditRecord


@dataclass(frozen=True)
class Hold:
    disputed: bool = False
    # The last public day a procedure set (an approved repair); None: no cap.
    ends_by: date | None = None

    def status(self, incoming: str) -> str:
        """The unit's status unless it would clear a flag a procedure still needs: a
        revocation from the unit still wins over the flag."""
        if self.disputed and incoming == CreditRecord.Status.NORMAL:
            return CreditRecord.Status.DISPUTED
        return incoming

    def merged(self, other: Hold) -> Hold:
        ends = [d for d in (self.ends_by, other.ends_by) if d is not None]
        return Hold(self.disputed or other.disputed, min(ends) if ends else None)


Provider = Callable[[Collection[int]], dict[int, Hold]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def for_records(record_ids: Collection[int]) -> dict[int, Hold]:
    """The holds on these records, from every registered provider."""
    holds: dict[int, Hold] = {}
    if not record_ids:
        return holds
    for provider in _providers:
        for record_id, hold in provider(record_ids).items():
            known = holds.get(record_id)
            holds[record_id] = hold if known is None else known.merged(hold)
    return holds
