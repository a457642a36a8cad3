"""Detection rules: over-limit transport penalties counted in a window become proposals.

The pack's rule `overload-transport-count` (发改财金〔2017〕274号 一（一）（二）): more than 3
penalties whose 违法行为类型 names over-limit transport, within 1 year, propose the subject
for 严重违法超限超载运输失信当事人名单. Records come through the real importer, whose
hook runs detection for the subjects each batch touched.
"""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from tests.packedits import edit
from tests.records.factories import id_number, penalty, uscc
from tests.records.test_import_command import CODES, NAMES, write_csv
from xinyong.core import audit
from xinyong.core.models import AuditEvent
from xinyong.lists import entries
from xinyong.lists.detection import run_detection, window_start
from xinyong.lists.models import CreditList, ListEntry
from xinyong.policy.durations import Duration
from xinyong.policy.reader import PackInvalid, read_pack
from xinyong.records.models import Batch, CreditRecord, RecordType
from xinyong.records.pipeline import Importer, ImportResult, SourceRow, start_batch
from xinyong.subjects.models import Subject, Unit

pytestmark = pytest.mark.django_db
ACTOR = audit.Actor("test:operator")
TODAY = date(2026, 11, 27)
RULE = "overload-transport-count"
TRUCKER_USCC = uscc("530102", "H7Y3K9Q2", first="92")
# Four decisions within the year before TODAY.
WITHIN = ["2026-01-10", "2026-03-05", "2026-06-18", "2026-09-30"]
# Four decisions within the year ending 2026-09-30, not within a year ending a day sooner
# or later (nor the year ending TODAY, when they are imported).
EDGE = ["2025-10-01", *WITHIN[1:]]


def trucker(document: str, decided: str, **cells: str) -> dict[str, str]:
    """An over-limit transport penalty of one truck operator (an individual business)."""
    row = penalty(
        document,
        CF_XDR_MC="五华区张记货运部",
        CF_XDR_LB="个体工商户",
        CF_XDR_SHXYM=TRUCKER_USCC,
        CF_FRDB="张强",
        CF_WFXW="违法超限运输",
        CF_SY="经检测，当事人驾驶的云A12345货车车货总质量超过限定标准。",
        CF_YJ="《公路安全保护条例》第六十四条",
        CF_NR="罚款人民币叁仟元整",
        CF_NR_FK="0.3",
        CF_JDRQ=decided,
        CF_YXQ=str(date.fromisoformat(decided) + timedelta(days=365)),
        CF_CFJG="云南省交通运输厅",
        CF_SJLY="云南省交通运输厅",
    )
    return row | cells


def rows(dates: list[str], start: int = 1, **cells: str) -> list[dict[str, str]]:
    return [
        trucker(f"云交罚〔2026〕{number}号", decided, **cells)
        for number, decided in enumerate(dates, start=start)
    ]


def run_import(table: list[dict[str, str]], today: date = TODAY) -> ImportResult:
    batch = start_batch(
        Unit.objects.get(code="YN-JTT"),
        RecordType.objects.get(code="penalty"),
        Batch.Source.API,
        ACTOR,
    )
    sources = [SourceRow(n, cells, cells) for n, cells in enumerate(table, start=1)]
    result = Importer(batch, ACTOR, today=today).run(sources)
    assert result.rejected == 0, result.errors
    return result


def proposals() -> list[ListEntry]:
    return list(ListEntry.objects.filter(credit_list__code="overload-transport"))


def the_trucker() -> Subject:
    return Subject.objects.get(uscc=TRUCKER_USCC)


def decline(entry: ListEntry) -> None:
    entries.notify(entry, actor=ACTOR, on=date(2026, 12, 1))
    entries.decide(entry, listed=False, actor=ACTOR, on=date(2026, 12, 8), note="系同一车辆已整改")


def test_four_over_limit_penalties_within_a_year_make_exactly_one_proposal(loaded_pack):
    run_import(rows(WITHIN))

    [entry] = proposals()
    assert (entry.status, entry.origin, entry.origin_ref) == ("proposed", "detection", RULE)
    assert entry.subject == the_trucker() and entry.unit.code == "YN-JTT"
    assert set(entry.evidence.all()) == set(CreditRecord.objects.all())
    assert entry.evidence.count() == 4
    assert "有 4 条“行政处罚”记录" in entry.reasons and "（1 年内）" in entry.reasons
    assert "“违法行为类型”含有“超限运输”、“超限行驶”或“超限超载”" in entry.reasons
    assert "2025-11-28至2026-11-27" in entry.reasons
    assert "货运车辆或驾驶人1年内违法超限运输超过3次" in entry.reasons
    assert "云交罚〔2026〕4号（2026-09-30）" in entry.reasons
    assert entry.ground == "货运车辆或驾驶人1年内违法超限运输超过3次"


def test_running_again_makes_no_second_proposal(loaded_pack):
    run_import(rows(WITHIN))
    report = run_detection(TODAY, ACTOR)
    [outcome] = report.rules
    assert (outcome.examined, outcome.over_threshold) == (1, 1)
    assert (outcome.proposed, outcome.already_open) == (0, 1)
    run_import(rows(WITHIN, CF_NR_FK="0.5"))  # the same records, corrected
    assert len(proposals()) == 1


def test_three_over_limit_penalties_make_no_proposal(loaded_pack):
    run_import(rows(WITHIN[:3]))
    [outcome] = run_detection(TODAY, ACTOR).rules
    assert (outcome.examined, outcome.over_threshold, outcome.proposed) == (1, 0, 0)
    assert proposals() == []


def test_four_penalties_spread_over_more_than_a_year_make_no_proposal(loaded_pack):
    spread = ["2025-06-01", "2025-10-01", "2026-02-01", "2026-07-01"]
    run_import(rows(spread))
    for day in (date(2025, 10, 1), date(2026, 5, 31), date(2026, 7, 1), TODAY):
        assert run_detection(day, ACTOR).proposed == 0, day
    assert proposals() == []


def test_the_window_is_the_year_ending_on_the_day(loaded_pack):
    # Window of 2026-09-30: decided after 2025-09-30, up to 2026-09-30 included.
    run_import(rows(EDGE))
    assert window_start(Duration(1, "year"), date(2026, 9, 30)) == date(2025, 9, 30)
    assert run_detection(date(2026, 9, 29), ACTOR).proposed == 0  # the last one is not yet
    assert run_detection(date(2026, 10, 1), ACTOR).proposed == 0  # the first one has left
    assert proposals() == []
    assert run_detection(date(2026, 9, 30), ACTOR).proposed == 1


def test_a_penalty_for_another_violation_is_not_counted(loaded_pack):
    food = trucker("云交罚〔2026〕9号", "2026-10-15", CF_WFXW="超限量使用食品添加剂")
    run_import([*rows(WITHIN[:3]), food])
    assert proposals() == []
    run_import(rows(WITHIN[3:], start=4))
    [entry] = proposals()
    assert "云交罚〔2026〕9号" not in {r.document_number for r in entry.evidence.all()}
    assert entry.evidence.count() == 4


def test_a_revoked_penalty_is_not_counted(loaded_pack):
    run_import([*rows(WITHIN[:3]), *rows(WITHIN[3:], start=4, CF_ZT="1")])
    assert CreditRecord.objects.filter(status="revoked").count() == 1
    assert run_detection(TODAY, ACTOR).proposed == 0
    assert proposals() == []


@pytest.mark.filterwarnings("ignore::xinyong.core.calendar.UnscheduledYearWarning")  # 2027
def test_a_declined_proposal_returns_only_with_a_newer_matching_record(loaded_pack):
    run_import(rows(WITHIN))
    [entry] = proposals()
    decline(entry)

    [outcome] = run_detection(TODAY, ACTOR).rules
    assert (outcome.proposed, outcome.already_decided) == (0, 1)
    run_import(rows(WITHIN, CF_NR_FK="0.5"))  # the same records, updated after the decision
    assert len(proposals()) == 1

    run_import(rows(["2026-11-20"], start=5))
    new = ListEntry.objects.get(status="proposed")
    assert new.pk != entry.pk and new.evidence.count() == 5
    assert len(proposals()) == 2


def test_a_minor_driver_is_never_proposed(loaded_pack):
    minor = {
        "CF_XDR_MC": "赵小龙",
        "CF_XDR_LB": "自然人",
        "CF_XDR_SHXYM": "",
        "CF_FRDB": "",
        "CF_XDR_ZJLX": "身份证",
        "CF_XDR_ZJHM": id_number(born="20100307"),
    }
    run_import(rows(WITHIN, **minor))
    [outcome] = run_detection(TODAY, ACTOR).rules
    assert (outcome.over_threshold, outcome.proposed) == (1, 0)
    assert dict(outcome.refused) == {"entry.minor": 1}
    assert proposals() == []


def test_it_examines_only_the_subjects_asked_about(loaded_pack):
    run_import(rows(WITHIN[:3]))
    other = Subject.objects.create(kind="organisation", name="别的公司", uscc=uscc(body="87654321"))
    [outcome] = run_detection(TODAY, ACTOR, subject_ids=[other.pk]).rules
    assert outcome.examined == 0
    [outcome] = run_detection(TODAY, ACTOR, subject_ids=[the_trucker().pk]).rules
    assert outcome.examined == 1


def test_every_run_is_audited_once_with_its_counts(loaded_pack):
    run_import(rows(WITHIN))  # the import's own run proposes
    after_import = AuditEvent.objects.get(action="xinyong.detection.run")
    assert after_import.actor == "system" and after_import.object_type == "records.batch"
    assert after_import.data["proposed"] == 1
    run_detection(TODAY, ACTOR)
    nightly = AuditEvent.objects.filter(action="xinyong.detection.run").last()
    assert nightly is not None and nightly.pk != after_import.pk
    assert nightly.data["rules"][0] | {"entries": []} == {
        "rule": RULE,
        "list": "overload-transport",
        "examined": 1,
        "over_threshold": 1,
        "proposed": 0,
        "already_open": 1,
        "already_decided": 0,
        "refused": {},
        "entries": [],
    }
    assert audit.verify().ok


def test_a_failing_detection_never_loses_the_import(loaded_pack, caplog):
    # The rule's list withdrawn from under it: detection fails, the import stands.
    CreditList.objects.filter(code="overload-transport").update(active=False)
    result = run_import(rows(WITHIN))
    assert result.accepted == 4 and CreditRecord.objects.count() == 4
    assert Batch.objects.get().status == "done"
    assert proposals() == []
    assert "detection after batch" in caplog.text
    assert not AuditEvent.objects.filter(action="xinyong.detection.run").exists()


def test_importing_a_csv_with_four_over_limit_rows_proposes_through_the_hook(loaded_pack, tmp_path):
    today = date.today()
    dates = [(today - timedelta(days=days)).isoformat() for days in (300, 200, 100, 1)]
    table = [NAMES, *([row.get(code, "") for code in CODES] for row in rows(dates))]
    out = io.StringIO()
    call_command(
        "import",
        str(write_csv(tmp_path / "超限.csv", table)),
        "--type",
        "penalty",
        "--unit",
        "YN-JTT",
        "--json",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert json.loads(out.getvalue())["accepted"] == 4
    [entry] = proposals()
    assert (entry.status, entry.origin, entry.evidence.count()) == ("proposed", "detection", 4)


def test_the_nightly_command_reports_as_json(loaded_pack):
    run_import(rows(EDGE))
    out = io.StringIO()
    call_command("lists", "detect", "--date", "2026-09-30", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["day"], report["proposed"]) == ("2026-09-30", 1)
    assert report["rules"][0]["entries"] == [proposals()[0].reference]
    call_command("lists", "detect", "--date", "2026-09-30", stdout=(text := io.StringIO()))
    assert "提出 / proposed: 0" in text.getvalue() and "open 1" in text.getvalue()


def test_the_expire_command_writes_expiries(loaded_pack):
    out = io.StringIO()
    call_command("lists", "expire", "--date", "2026-11-27", stdout=out)
    assert out.getvalue().strip() == "已到期移出 / expired: 0"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("proposes: overload-transport", "proposes: overload", "unknown list 'overload'"),
        (
            "grants: [green-channel, accept-with-missing-materials]",
            "grants: [green-channel, fast-lane]",
            "unknown measure 'fast-lane'",
        ),
        (
            "grants: [green-channel, accept-with-missing-materials]",
            "grants: [green-channel, key-supervision]",
            "measure 'key-supervision' is a punishment, not an incentive",
        ),
        (
            "negative_record_types: [penalty, abnormal-operations, judgment-debtor]",
            "negative_record_types: [penalty, abnormal-operation, judgment-debtor]",
            "unknown record type 'abnormal-operation'",
        ),
        (
            "negative_record_types: [penalty, abnormal-operations, judgment-debtor]",
            "negative_record_types: [penalty, commendation]",
            "record type 'commendation' is not negative",
        ),
        (  # indented as in the detection rule's `match` (credit-repair has one too)
            "      record_types: [penalty]",
            "      record_types: [fines]",
            "unknown record type 'fines'",
        ),
        ("field: CF_WFXW", "field: XK_NR", "record type 'penalty' has no field 'XK_NR'"),
        (
            "proposes: overload-transport",
            "proposes: a-grade-taxpayers",
            "list 'a-grade-taxpayers' does not take individual_business, person",
        ),
    ],
)
def test_the_loader_refuses_a_rule_naming_what_the_pack_does_not_have(pack_copy, old, new, message):
    edit(pack_copy / "rules.yaml", old, new)
    with pytest.raises(PackInvalid) as error:
        read_pack(pack_copy)
    where = "clean-record-3-years" if "grants" in old or "negative" in old else RULE
    assert [(p.file, p.where, p.message) for p in error.value.problems] == [
        ("rules.yaml", where, message)
    ]
