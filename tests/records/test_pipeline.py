from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from tests.records.factories import id_number, penalty, person_penalty
from xinyong.core import audit
from xinyong.core.errors import PermissionDenied
from xinyong.core.models import AuditEvent
from xinyong.records.models import Batch, CreditRecord, QuarantinedRow, RecordType, RecordVersion
from xinyong.records.pipeline import Importer, SourceRow, start_batch
from xinyong.records.versions import GENESIS, version_hash
from xinyong.subjects.models import Subject, Unit

pytestmark = pytest.mark.django_db
ACTOR = audit.Actor("cli:tester")
TODAY = date(2026, 11, 27)


def _run(rows: list[dict[str, str]], unit: str = "YN-GAT", **kwargs):
    batch = start_batch(
        Unit.objects.get(code=unit), RecordType.objects.get(code="penalty"), Batch.Source.CLI, ACTOR
    )
    sources = [SourceRow(n, cells, cells) for n, cells in enumerate(rows, start=2)]
    return Importer(
        batch, ACTOR, today=TODAY, chunk_size=kwargs.pop("chunk_size", 2000), keep_outcomes=True
    ).run(sources)


def test_it_accepts_valid_rows_and_creates_their_subjects(loaded_pack):
    result = _run([penalty(), person_penalty()])
    assert (result.accepted, result.rejected) == (2, 0)
    person = Subject.objects.get(kind="person")
    assert person.id_number_masked == id_number()[:4] + "*" * 10 + id_number()[-4:]
    record = CreditRecord.objects.get(subject=person)
    assert record.payload["CF_XDR_ZJHM"] == person.id_number_masked
    assert id_number() not in str(record.payload)


def test_it_computes_the_deadline_and_the_publicity_window_from_the_pack(loaded_pack):
    # A fine above the lenient threshold (0.3 万元): the 2023 rule's 3 years.
    _run([penalty(CF_JDRQ="2026-09-29", CF_YXQ="2027-09-29", CF_NR_FK="5")])
    record = CreditRecord.objects.get()
    assert record.publication_deadline == date(2026, 10, 14)  # 7 working days, National Day
    assert (record.publicity_start, record.publicity_end) == (date(2026, 9, 29), date(2029, 9, 28))
    assert (record.publicity_minimum_end, record.withheld) == (date(2026, 12, 28), "")


def test_importing_the_same_rows_again_changes_nothing(loaded_pack):
    _run([penalty(), person_penalty()])
    again = _run([penalty(), person_penalty()])
    assert (again.accepted, again.updated, again.unchanged) == (0, 0, 2)
    assert RecordVersion.objects.count() == 2


def test_a_changed_row_makes_a_new_chained_version(loaded_pack):
    _run([penalty()])
    result = _run([penalty(CF_NR_FK="0.5")])
    assert result.updated == 1
    record = CreditRecord.objects.get()
    first, second = record.versions.order_by("number")
    assert (record.version, second.number, second.reason) == (2, 2, "updated")
    assert first.prev_hash == GENESIS and second.prev_hash == first.hash
    assert second.hash == version_hash(
        first.hash, 2, second.created_at, second.actor, "updated", second.status, second.payload
    )
    assert record.version_hash == second.hash
    assert first.payload["CF_NR_FK"] == "0.2" and second.payload["CF_NR_FK"] == "0.5"


def test_a_record_twice_in_one_file_is_versioned_twice_in_file_order(loaded_pack):
    result = _run([penalty(CF_NR_FK="0.2"), penalty(CF_NR_FK="0.3")])
    assert (result.accepted, result.updated) == (1, 1)
    record = CreditRecord.objects.get()
    assert list(record.versions.values_list("number", flat=True)) == [1, 2]
    assert record.payload["CF_NR_FK"] == "0.3"


def test_rejected_rows_are_quarantined_encrypted_with_their_errors(loaded_pack):
    bad = person_penalty(CF_XDR_ZJHM="5301**********1238")
    result = _run([penalty(), bad])
    assert (result.accepted, result.rejected) == (1, 1)
    row = QuarantinedRow.objects.get()
    assert row.row_number == 3 and row.errors[0]["code"] == "id.masked"
    assert "李四" not in row.cells_enc
    assert sorted(result.outcomes) == [(2, "accepted"), (3, "rejected")]


def test_a_party_office_may_not_report_penalties(loaded_pack):
    with pytest.raises(PermissionDenied) as error:
        _run([penalty()], unit="YN-WMB")
    assert error.value.code == "batch.unit_not_allowed"


def test_an_import_that_fails_part_way_leaves_nothing_visible(loaded_pack):
    rows = [penalty(f"罚〔2024〕{n}号") for n in range(1, 6)]

    def crashing():
        for n, cells in enumerate(rows, start=2):
            if n == 5:
                raise RuntimeError("killed")
            yield SourceRow(n, cells, cells)

    batch = start_batch(
        Unit.objects.get(code="YN-GAT"),
        RecordType.objects.get(code="penalty"),
        Batch.Source.CLI,
        ACTOR,
    )
    with pytest.raises(RuntimeError):
        Importer(batch, ACTOR, today=TODAY, chunk_size=2).run(crashing())
    assert CreditRecord.objects.count() == 0 and RecordVersion.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == "failed" and "killed" in batch.failure
    completed = _run(rows)
    assert completed.accepted == 5 and CreditRecord.objects.count() == 5


def test_the_batch_is_counted_and_audited(loaded_pack):
    result = _run([penalty(), penalty(CF_JDRQ="2099-01-01")])
    batch = Batch.objects.get(pk=result.batch.pk)
    assert (batch.status, batch.total, batch.accepted, batch.rejected) == ("done", 2, 1, 1)
    event = AuditEvent.objects.get(action="xinyong.batch.imported")
    assert event.data["accepted"] == 1 and event.data["rejected"] == 1


def test_the_database_holds_no_clear_id_number_after_an_import(loaded_pack):
    _run([person_penalty(CF_FR_ZJHM=id_number(sequence="456"))])
    tables = [
        "records_creditrecord",
        "records_recordversion",
        "subjects_subject",
        "records_quarantinedrow",
        "core_auditevent",
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")  # fixed table names
            text = str(cursor.fetchall())
            assert id_number() not in text and id_number(sequence="456") not in text, table


def test_a_penalty_row_with_status_revoked_revokes_the_record_and_keeps_its_history(loaded_pack):
    _run([penalty()])
    result = _run([penalty(CF_ZT="1")])
    assert result.updated == 1
    record = CreditRecord.objects.get()
    assert record.status == "revoked"
    assert list(record.versions.order_by("number").values_list("status", flat=True)) == [
        "normal",
        "revoked",
    ]
