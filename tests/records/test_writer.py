"""The importer's driver-level writer: nothing left out, hashes as defined, ids unique."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.records.factories import penalty
from xinyong.core import audit
from xinyong.records.models import Batch, CreditRecord, RecordType, RecordVersion
from xinyong.records.pipeline import Importer, SourceRow, start_batch
from xinyong.records.versions import (
    canonical,
    content_hash,
    content_hash_of,
    stamp,
    version_hash,
    version_hash_of,
)
from xinyong.records.writer import RECORD_COLUMNS, UPDATED_COLUMNS, VERSION_COLUMNS
from xinyong.subjects.models import Unit

ACTOR = audit.Actor("cli:tester")


def _columns(model) -> set[str]:
    return {field.column for field in model._meta.concrete_fields}


def test_the_writer_writes_every_column_of_a_record():
    assert set(RECORD_COLUMNS) == _columns(CreditRecord)


def test_the_writer_writes_every_column_of_a_version_but_its_id():
    assert set(VERSION_COLUMNS) == _columns(RecordVersion) - {"id"}


def test_an_update_changes_everything_but_the_natural_key_and_the_arrival():
    fixed = {"id", "subject_id", "record_type_id", "unit_id", "document_number", "received_at"}
    assert set(UPDATED_COLUMNS) == set(RECORD_COLUMNS) - fixed


@pytest.mark.parametrize(
    ("payload", "status", "indexes"),
    [
        ({"CF_WSH": "滇公（2019）1号", "CF_NR_FK": "0.2"}, "normal", {}),
        ({"名称": 'quote " and \\ backslash', "b": "ａ"}, "revoked", {"id_number": "ab12"}),
    ],
)
def test_the_spliced_hashes_equal_the_hashes_of_the_list_forms(payload, status, indexes):
    at = datetime(2026, 11, 27, 8, 30, 1, 123456, tzinfo=UTC)
    text = canonical(payload)
    assert content_hash_of(text, status, indexes) == content_hash(payload, status, indexes)
    expected = version_hash("f" * 64, 3, at, "cli:张三", "updated", status, payload)
    assert version_hash_of("f" * 64, 3, stamp(at), "cli:张三", "updated", status, text) == expected


@pytest.mark.django_db
def test_record_ids_continue_after_a_deleted_record(loaded_pack):
    def run(document: str) -> CreditRecord:
        batch = start_batch(
            Unit.objects.get(code="YN-GAT"),
            RecordType.objects.get(code="penalty"),
            Batch.Source.CLI,
            ACTOR,
        )
        cells = penalty(CF_WSH=document)
        Importer(batch, ACTOR, today=date(2026, 11, 27)).run([SourceRow(2, cells, cells)])
        return CreditRecord.objects.get(document_number=document)

    first = run("滇公罚〔2026〕1号")
    first_id = first.pk
    RecordVersion.objects.filter(record=first).delete()
    first.delete()
    second = run("滇公罚〔2026〕2号")
    # An id is never handed out twice, even after a delete (SQLite AUTOINCREMENT,
    # PostgreSQL sequences): an outbox or an audit entry naming it stays unambiguous.
    assert second.pk > first_id


@pytest.mark.django_db
def test_a_long_import_tells_the_postgresql_planner_about_its_rows(loaded_pack, monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans by the shape of its indexes, without statistics")
    monkeypatch.setattr("xinyong.records.writer.ANALYZE_FIRST_AT", 2)
    batch = start_batch(
        Unit.objects.get(code="YN-GAT"),
        RecordType.objects.get(code="penalty"),
        Batch.Source.CLI,
        ACTOR,
    )
    rows = [penalty(CF_WSH=f"滇公罚〔2026〕{n}号") for n in range(1, 4)]
    sources = [SourceRow(n, cells, cells) for n, cells in enumerate(rows, start=2)]
    Importer(batch, ACTOR, today=date(2026, 11, 27), chunk_size=2).run(sources)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'records_creditrecord'")
        # Never analysed, a table has reltuples -1; analysed inside the import, it counts
        # the import's own rows (2 after the first chunk of 2).
        assert cursor.fetchone()[0] >= 2
