"""Find or create the subjects of a chunk of rows with a few queries, not one per row."""

from __future__ import annotations

from collections.abc import Iterable

from xinyong.core import pii
from xinyong.records.validation import ValidRow
from xinyong.search.index import index_subjects
from xinyong.subjects.models import Region, Subject
from xinyong.subjects.services import ID_CONTEXT

SubjectKey = tuple[str, str]  # ("uscc", code) or ("id", blind index)


def region_map() -> dict[str, str]:
    """Every current and former division code → the current region code."""
    mapping: dict[str, str] = {}
    for code, former in Region.objects.values_list("code", "former_codes"):
        mapping.update(dict.fromkeys(former, code))
        mapping[code] = code
    return mapping


def subject_key(row: ValidRow) -> SubjectKey:
    if row.subject_kind == Subject.Kind.PERSON:
        assert row.id_number is not None  # the validator guarantees it for persons
        return "id", pii.blind_index(row.id_number, ID_CONTEXT)
    assert row.uscc is not None
    return "uscc", row.uscc


class SubjectResolver:
    """Maps rows to subject ids, creating the subjects the platform has not seen."""

    def __init__(self) -> None:
        self.regions = region_map()
        self.created = 0

    def resolve(self, rows: Iterable[ValidRow]) -> dict[SubjectKey, int]:
        wanted: dict[SubjectKey, ValidRow] = {}
        for row in rows:
            wanted.setdefault(subject_key(row), row)
        found = self._existing(wanted)
        missing = [self._new(row) for key, row in wanted.items() if key not in found]
        if missing:
            Subject.objects.bulk_create(missing)
            index_subjects((subject.pk, subject.name, subject.kind) for subject in missing)
            self.created += len(missing)
            for subject in missing:
                if subject.id_number_index:
                    found["id", subject.id_number_index] = subject.pk
                else:
                    found["uscc", subject.uscc or ""] = subject.pk
        return found

    def _existing(self, wanted: dict[SubjectKey, ValidRow]) -> dict[SubjectKey, int]:
        codes = [value for kind, value in wanted if kind == "uscc"]
        indexes = [value for kind, value in wanted if kind == "id"]
        found: dict[SubjectKey, int] = {}
        # Both columns are non-null in these rows: they matched a non-null value.
        for code, pk in Subject.objects.filter(uscc__in=codes).order_by().values_list("uscc", "pk"):
            found["uscc", code or ""] = pk
        for index, pk in (
            Subject.objects.filter(id_number_index__in=indexes)
            .order_by()
            .values_list("id_number_index", "pk")
        ):
            found["id", index or ""] = pk
        return found

    def _new(self, row: ValidRow) -> Subject:
        subject = Subject(
            kind=row.subject_kind,
            name=row.subject_name,
            legal_representative=row.legal_representative,
        )
        if row.subject_kind == Subject.Kind.PERSON:
            assert row.id_number is not None
            sealed = pii.seal(row.id_number, ID_CONTEXT)
            subject.id_number_enc = sealed.ciphertext
            subject.id_number_index = sealed.blind_index
            subject.id_number_masked = sealed.masked
            subject.region_id = self.regions.get(row.id_number[:6])
        else:
            subject.uscc = row.uscc
            subject.region_id = self.regions.get((row.uscc or "")[2:8])
        return subject
