"""What the public pages show of a record: its type, source unit and key fields.

Which fields are key is decided once per record type (`lookups.TypeInfo.summary`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from xinyong.portal import lookups
from xinyong.records.models import CreditRecord
from xinyong.records.visibility import is_disputed


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class RecordCard:
    record: CreditRecord
    type_name: str
    unit_name: str
    facts: list[Fact]

    @property
    def disputed(self) -> bool:
        return is_disputed(self.record)


def _facts(record: CreditRecord, info: lookups.TypeInfo) -> list[Fact]:
    facts = []
    for code, name in info.summary:
        value = record.payload.get(code)
        if value in (None, ""):
            continue
        facts.append(Fact(name, _("长期") if value == info.indefinite else str(value)))
    return facts


def cards(records: Iterable[CreditRecord]) -> list[RecordCard]:
    records = list(records)
    types = lookups.record_types({record.record_type_id for record in records})
    units = lookups.unit_names({record.unit_id for record in records})
    return [
        RecordCard(
            record,
            types[record.record_type_id].name,
            units[record.unit_id],
            _facts(record, types[record.record_type_id]),
        )
        for record in records
    ]
