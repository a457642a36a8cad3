"""`xinyong publicity expire`: the history of ended publicity (records.publicity)."""

from __future__ import annotations

import json
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from tests.records.factories import id_number, penalty, person_penalty, uscc
from xinyong.core import audit
from xinyong.core.models import AuditEvent
from xinyong.records import holds, publicity
from xinyong.records.models import CreditRecord, RecordType
from xinyong.records.pipeline import Importer, SourceRow, start_batch
from xinyong.subjects.models import Unit

ACTOR = audit.Actor("cli:publicity-tests")
ENDED = publicity.ACTION


def _run(rows: list[dict[str, str]]) -> None:
    batch = start_batch(
        Unit.objects.get(code="YN-GSJ"), RecordType.objects.get(code="penalty"), "cli", ACTOR
    )
    result = Importer(batch, ACTOR).run(
        SourceRow(n, cells, cells) for n, cells in enumerate(rows, start=2)
    )
    assert result.rejected == 0, result.errors


def _company(n: int, document: str, decided: str, **cells: str) -> dict[str, str]:
    return penalty(
        document,
        CF_XDR_MC=f"测试公司{n}",
        CF_XDR_SHXYM=uscc("530102", f"3000000{n}"),
        CF_JDRQ=decided,
        CF_YXQ="2099-12-31",
        **cells,
    )


@pytest.fixture
def records(loaded_pack):
    """Last public days: A 2024-04-14 (warning), B 2024-04-29 (small fine), C 2027-01-14."""
    _run(
        [
            _company(1, "A", "2024-01-15", CF_CFLB="警告", CF_NR_FK=""),
            _company(2, "B", "2024-01-30", CF_NR_FK="0.2"),
            _company(3, "C", "2024-01-15", CF_NR_FK="5"),
        ]
    )


def _expire(day: str, *extra: str) -> dict[str, object]:
    out = StringIO()
    call_command("publicity", "expire", "--date", day, "--json", *extra, stdout=out)
    return json.loads(out.getvalue())


def _ended() -> dict[str, str]:
    """Document number → the recorded publicity end, for every event written."""
    ids = dict(CreditRecord.objects.values_list("pk", "document_number"))
    return {
        ids[int(event.object_id)]: event.data["publicity_end"]
        for event in AuditEvent.objects.filter(action=ENDED)
    }


def test_it_records_only_the_publicity_that_ended_before_the_day(records):
    assert _expire("2024-04-14")["recorded"] == 0  # A's last public day: still public
    assert _expire("2024-04-15") == {
        "day": "2024-04-15",
        "ended": 1,
        "recorded": 1,
        "already_recorded": 0,
    }
    assert _ended() == {"A": "2024-04-14"}
    event = AuditEvent.objects.get(action=ENDED)
    assert event.object_type == "records.creditrecord"
    assert event.data == {"publicity_end": "2024-04-14", "ended_on": "2024-04-15"}


def test_running_it_twice_records_nothing_new(records):
    _expire("2024-05-01")
    again = _expire("2024-05-01")
    assert (again["ended"], again["recorded"], again["already_recorded"]) == (2, 0, 2)
    assert AuditEvent.objects.filter(action=ENDED).count() == 2


def test_a_run_after_missed_nights_catches_up(records):
    _expire("2024-04-15")
    report = _expire("2027-06-01")
    assert (report["ended"], report["recorded"]) == (3, 2)
    assert _ended() == {"A": "2024-04-14", "B": "2024-04-29", "C": "2027-01-14"}


def test_the_audit_chain_stays_whole(records):
    _expire("2027-06-01")
    verification = audit.verify()
    assert verification.ok, verification.problems


def test_withheld_and_revoked_records_were_never_public_and_are_not_recorded(records):
    _run(
        [
            person_penalty(
                "M",
                CF_XDR_ZJHM=id_number("530102", "20100101", "125"),
                CF_JDRQ="2024-01-15",
                CF_NR_FK="5",
            ),
            _company(4, "R", "2024-01-15", CF_NR_FK="5", CF_ZT="撤销"),
        ]
    )
    assert CreditRecord.objects.get(document_number="M").withheld == "minor"
    _expire("2030-01-01")
    assert set(_ended()) == {"A", "B", "C"}


def test_a_record_whose_end_changed_gets_an_event_for_the_new_end(records):
    _expire("2024-05-01")
    record = CreditRecord.objects.get(document_number="A")
    record.publicity_end = date(2024, 4, 20)  # as a correction of the record would
    record.save(update_fields=["publicity_end"])
    assert _expire("2024-05-01")["recorded"] == 1
    ends = sorted(
        e.data["publicity_end"]
        for e in AuditEvent.objects.filter(action=ENDED, object_id=str(record.pk))
    )
    assert ends == ["2024-04-14", "2024-04-20"]


def test_it_works_in_batches(records, monkeypatch):
    monkeypatch.setattr(publicity, "BATCH", 2)
    assert _expire("2027-06-01")["recorded"] == 3
    assert audit.verify().ok


def test_the_day_defaults_to_today_and_the_human_output_has_the_counts(records):
    out = StringIO()
    with time_machine.travel(
        datetime(2026, 1, 1, 12, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        call_command("publicity", "expire", stdout=out)
    assert "2026-01-01" in out.getvalue()
    assert "ended: 2" in out.getvalue() and "recorded: 2" in out.getvalue()


def test_a_malformed_date_is_a_one_line_error(records):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("publicity", "expire", "--date", "2024/04/15")


# --- recompute ----------------------------------------------------------------------------
def _recompute(*extra: str) -> dict[str, object]:
    out = StringIO()
    call_command("publicity", "recompute", "--json", *extra, stdout=out)
    return json.loads(out.getvalue())


def _as_before_the_rules(document: str) -> None:
    """Blank what the pipeline worked out, as on records imported before these rules."""
    CreditRecord.objects.filter(document_number=document).update(
        publicity_start=None, publicity_end=None, publicity_minimum_end=None, withheld=""
    )


def test_recompute_restores_what_an_import_works_out_today(records):
    imported = {
        r.document_number: (r.publicity_start, r.publicity_end, r.publicity_minimum_end)
        for r in CreditRecord.objects.all()
    }
    _as_before_the_rules("A")
    _as_before_the_rules("C")

    report = _recompute()

    assert (report["examined"], report["changed"]) == (3, 2)
    assert report["by_type"]["penalty"] == 2
    for record in CreditRecord.objects.all():
        assert (
            record.publicity_start,
            record.publicity_end,
            record.publicity_minimum_end,
        ) == imported[record.document_number]
    assert CreditRecord.objects.get(document_number="A").publicity_end == date(2024, 4, 14)
    event = AuditEvent.objects.get(action=publicity.RECOMPUTED)
    assert event.data["changed"] == 2


def test_recompute_withholds_a_minors_record_imported_before_the_minor_rule(records):
    _run(
        [
            person_penalty(
                "M",
                CF_XDR_ZJHM=id_number("530102", "20100101", "125"),
                CF_JDRQ="2024-01-15",
                CF_NR_FK="5",
            )
        ]
    )
    CreditRecord.objects.filter(document_number="M").update(withheld="")

    _recompute("--type", "penalty")

    assert CreditRecord.objects.get(document_number="M").withheld == "minor"


def test_recompute_twice_changes_nothing_the_second_time(records):
    _as_before_the_rules("B")
    assert _recompute()["changed"] == 1
    assert _recompute()["changed"] == 0


def test_recompute_keeps_a_repairs_early_end(records, monkeypatch):
    record = CreditRecord.objects.get(document_number="C")
    early = date(2025, 3, 1)
    CreditRecord.objects.filter(pk=record.pk).update(publicity_end=early)
    held = {record.pk: holds.Hold(ends_by=early)}
    monkeypatch.setattr(
        holds, "_providers", [lambda ids: {k: v for k, v in held.items() if k in ids}]
    )

    _recompute()

    assert CreditRecord.objects.get(pk=record.pk).publicity_end == early


def test_recompute_refuses_an_unknown_record_type(records):
    with pytest.raises(CommandError, match="no record type"):
        call_command("publicity", "recompute", "--type", "nope")
