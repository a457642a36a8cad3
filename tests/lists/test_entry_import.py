"""`xinyong entries import`: entries their owner decided elsewhere, from CSV and XLSX files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tests.records.factories import id_number, uscc
from xinyong.core.audit import Actor
from xinyong.core.errors import InvalidInput, PermissionDenied
from xinyong.core.models import AuditEvent
from xinyong.lists.entry_import import import_file
from xinyong.lists.models import EntryEvent, ListEntry
from xinyong.subjects.models import Subject, Unit

pytestmark = pytest.mark.django_db

COMPANY = uscc("530102", "12345678")
SHOP = uscc("530111", "L2T4U6W8", first="92")
ADULT = id_number("530102", "19851120", "271")
MINOR = id_number("530102", "20100307", "123")
HEADERS = [
    "主体名称",
    "统一社会信用代码",
    "身份证件号码",
    "认定日期",
    "认定文书号",
    "列入事实和理由",
]


def _company(**overrides: str) -> dict[str, str]:
    row = {
        "主体名称": "昆明鑫瑞商贸有限公司",
        "统一社会信用代码": COMPANY,
        "身份证件号码": "",
        "认定日期": "2024/5/22",
        "认定文书号": "云人社欠薪〔2024〕1号",
        "列入事实和理由": "拖欠农民工工资数额达到刑事立案标准，经责令仍不支付。",
    }
    row.update(overrides)
    return row


def _person(**overrides: str) -> dict[str, str]:
    return _company(
        **{
            "主体名称": "李四",
            "统一社会信用代码": "",
            "身份证件号码": ADULT,
            "认定日期": "20240601",
            "认定文书号": "云人社欠薪〔2024〕2号",
            **overrides,
        }
    )


def _shop(**overrides: str) -> dict[str, str]:
    return _company(
        **{
            "主体名称": "五华区小王餐馆",
            "统一社会信用代码": SHOP,
            "认定日期": "2024-06-03",
            "认定文书号": "云人社欠薪〔2024〕3号",
            **overrides,
        }
    )


def _csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8-sig") -> Path:
    headers = list(dict.fromkeys(key for row in rows for key in row)) or HEADERS
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(header, "") for header in headers] if row else [])
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def _xlsx(path: Path, rows: list[dict[str, str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    headers = list(dict.fromkeys(key for row in rows for key in row))
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header, "") for header in headers])
    book.save(path)
    return path


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rst(loaded_pack) -> Unit:
    """The owner of 拖欠农民工工资失信联合惩戒名单 (one fixed term of 3 years)."""
    return Unit.objects.get(code="YN-RST")


def _import(path: Path, unit: Unit, code: str = "wage-arrears"):
    return import_file(path, code, unit, Actor("cli:tests"))


def test_it_imports_a_csv_file_as_published_entries(tmp_path, rst):
    path = _csv(tmp_path / "欠薪.csv", [_company(), _person(), _shop()])
    result = _import(path, rst)
    assert (result.accepted, result.unchanged, result.rejected) == (3, 0, 0)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert result.origin_ref == f"file:{sha}"
    entry = ListEntry.objects.get(subject__uscc=COMPANY)
    assert entry.status == ListEntry.Status.PUBLISHED and entry.origin == "import"
    assert (entry.unit.code, entry.origin_ref) == ("YN-RST", f"file:{sha}")
    assert entry.decided_on == entry.starts_on == date(2024, 5, 22)  # 2024/5/22
    # The list's single fixed term (3 years) sets the end when the file gives none.
    assert entry.ends_on == date(2027, 5, 21)
    assert entry.document_number == "云人社欠薪〔2024〕1号"
    person = ListEntry.objects.get(subject__kind="person")
    assert person.decided_on == date(2024, 6, 1)  # 20240601
    # The kind is inferred from the identifier: a USCC beginning 92 is an individual business.
    assert Subject.objects.get(uscc=SHOP).kind == Subject.Kind.INDIVIDUAL_BUSINESS
    assert person.subject.id_number_masked and ADULT not in person.subject.id_number_masked
    assert list(person.events.values_list("action", flat=True)) == [EntryEvent.Action.IMPORTED]


def test_it_reads_a_gb18030_file(tmp_path, rst):
    path = _csv(tmp_path / "gbk.csv", [_company(), _person()], encoding="gb18030")
    result = _import(path, rst)
    assert (result.accepted, result.rejected) == (2, 0), result.as_dict()
    assert ListEntry.objects.get(subject__uscc=COMPANY).subject.name == "昆明鑫瑞商贸有限公司"


def test_it_imports_an_xlsx_file_with_optional_columns(tmp_path, rst):
    rows = [
        _company(**{"认定情形": "拒不支付劳动报酬", "届满日期": "2099-12-31"}),
        _person(**{"列入日期": "2024-06-05", "届满日期": "2026-06-04", "主体类别": "自然人"}),
    ]
    result = _import(_xlsx(tmp_path / "entries.xlsx", rows), rst)
    assert (result.accepted, result.rejected) == (2, 0), result.as_dict()
    company = ListEntry.objects.get(subject__uscc=COMPANY)
    assert company.ground == "拒不支付劳动报酬"
    # The catalogue's indefinite date gives no end: the list's single 3-year term applies.
    assert company.ends_on == date(2027, 5, 21)
    person = ListEntry.objects.get(subject__kind="person")
    assert (person.starts_on, person.ends_on) == (date(2024, 6, 5), date(2026, 6, 4))


def test_a_list_with_several_terms_leaves_the_end_open_unless_given(tmp_path, loaded_pack):
    court = Unit.objects.get(code="YN-GY")  # 失信被执行人: two terms, by ground
    rows = [_company(), _person(**{"届满日期": "2026-05-31"})]
    result = _import(_csv(tmp_path / "court.csv", rows), court, "judgment-defaulters")
    assert result.accepted == 2, result.as_dict()
    assert ListEntry.objects.get(subject__uscc=COMPANY).ends_on is None
    assert ListEntry.objects.get(subject__kind="person").ends_on == date(2026, 5, 31)


def test_errors_name_the_rows_a_spreadsheet_shows(tmp_path, rst):
    rows = [
        _company(),  # row 2
        {},  # row 3: blank, skipped but counted
        _person(**{"认定日期": "2024-02-30"}),  # row 4
        _shop(**{"统一社会信用代码": "", "主体名称": "无标识"}),  # row 5
        _company(**{"统一社会信用代码": COMPANY[:-1] + "0", "认定文书号": "x"}),  # row 6
        _shop(**{"列入事实和理由": "暂无"}),  # row 7
    ]
    result = _import(_csv(tmp_path / "errors.csv", rows), rst)
    assert (result.accepted, result.rejected) == (1, 4)
    found = {(e["row"], e["field"], e["code"]) for e in result.as_dict()["errors"]}
    assert found == {
        (4, "decided_on", "field.date"),
        (5, "uscc", "entry.identifier_required"),
        (6, "uscc", "uscc.checksum"),
        (7, "reasons", "field.required"),
    }
    for error in result.as_dict()["errors"]:
        assert error["message"] and error["message_en"]


def test_a_minor_is_rejected_and_leaves_no_subject_behind(tmp_path, rst):
    rows = [_person(**{"身份证件号码": MINOR, "主体名称": "小明"}), _company()]
    result = _import(_csv(tmp_path / "minor.csv", rows), rst)
    assert (result.accepted, result.rejected) == (1, 1)
    [error] = result.as_dict()["errors"]
    assert (error["row"], error["field"], error["code"]) == (2, "id_number", "entry.minor")
    assert "18" in error["message"]
    assert not Subject.objects.filter(kind=Subject.Kind.PERSON).exists()
    assert ListEntry.objects.count() == 1


def test_a_subject_kind_the_list_does_not_cover_is_rejected(tmp_path, loaded_pack):
    tax = Unit.objects.get(code="YN-SWJ")  # A级纳税人: organisations only
    rows = [_person(**{"认定文书号": "云税A级〔2024〕1号"}), _company()]
    result = _import(_csv(tmp_path / "a.csv", rows), tax, "a-grade-taxpayers")
    assert (result.accepted, result.rejected) == (1, 1)
    [error] = result.errors
    assert (error.row, error.code) == (2, "entry.subject_kind")


def test_importing_the_same_file_again_reports_every_row_unchanged(tmp_path, rst):
    path = _csv(tmp_path / "again.csv", [_company(), _person(), _shop()])
    _import(path, rst)
    again = _import(path, rst)
    assert (again.accepted, again.unchanged, again.rejected) == (0, 3, 0)
    assert ListEntry.objects.count() == 3
    changed = _csv(tmp_path / "changed.csv", [_company(**{"列入事实和理由": "另一事实。"})])
    result = _import(changed, rst)
    assert (result.accepted, result.rejected) == (0, 1)
    assert result.errors[0].code == "entry.duplicate"
    assert ListEntry.objects.get(subject__uscc=COMPANY).reasons.startswith("拖欠农民工工资")


def test_the_same_subject_twice_in_one_file_is_accepted_once(tmp_path, rst):
    result = _import(_csv(tmp_path / "twice.csv", [_company(), _company()]), rst)
    assert [outcome for _row, outcome, _ref in result.outcomes] == ["accepted", "unchanged"]


def test_only_the_lists_owner_imports_its_entries(tmp_path, loaded_pack):
    court = Unit.objects.get(code="YN-GY")
    with pytest.raises(PermissionDenied) as refused:
        _import(_csv(tmp_path / "x.csv", [_company()]), court)
    assert refused.value.code == "entry.unit_not_owner"
    assert not ListEntry.objects.exists()


def test_a_file_without_an_identifier_column_is_refused(tmp_path, rst):
    rows = [{k: v for k, v in _company().items() if k != "统一社会信用代码"}]
    path = _csv(
        tmp_path / "noid.csv", [{k: v for k, v in r.items() if k != "身份证件号码"} for r in rows]
    )
    with pytest.raises(InvalidInput) as refused:
        _import(path, rst)
    assert refused.value.code == "file.missing_columns"


def test_aliases_of_the_column_names_are_understood(tmp_path, rst):
    row = {
        "被执行人姓名/名称": "昆明鑫瑞商贸有限公司",
        "统一社会信用代码": COMPANY,
        "决定日期": "2024年5月22日",
        "文书号": "云人社欠薪〔2024〕1号",
        "列入理由": "拖欠农民工工资。",
    }
    result = _import(_csv(tmp_path / "alias.csv", [row]), rst)
    assert result.accepted == 1, result.as_dict()


def test_the_import_is_audited_with_its_file_and_counts(tmp_path, rst):
    rows = [_company(), _person(**{"身份证件号码": MINOR})]
    result = _import(_csv(tmp_path / "audit.csv", rows), rst)
    event = AuditEvent.objects.get(action="xinyong.entry.batch_imported")
    assert event.data["origin_ref"] == result.origin_ref
    assert (event.data["accepted"], event.data["rejected"]) == (1, 1)
    assert event.data["errors"] == [[3, "id_number", "entry.minor"]]
    assert MINOR not in json.dumps(event.data)


def test_the_command_imports_and_prints_json(tmp_path, rst):
    path = _csv(tmp_path / "cli.csv", [_company(), _person(**{"认定日期": "明天"})])
    out = io.StringIO()
    call_command(
        "entries",
        "import",
        str(path),
        "--list",
        "wage-arrears",
        "--unit",
        "YN-RST",
        "--json",
        stdout=out,
    )
    body = json.loads(out.getvalue())
    assert list(body) == ["list", "origin_ref", "accepted", "unchanged", "rejected", "errors"]
    assert (body["list"], body["accepted"], body["rejected"]) == ("wage-arrears", 1, 1)
    assert body["errors"][0]["row"] == 3 and body["errors"][0]["field"] == "decided_on"


def test_the_command_refuses_another_unit_with_a_coded_error(tmp_path, rst):
    path = _csv(tmp_path / "cli.csv", [_company()])
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command(
            "entries",
            "import",
            str(path),
            "--list",
            "wage-arrears",
            "--unit",
            "YN-GY",
            "--json",
            stdout=out,
        )
    assert "entry.unit_not_owner" in str(refused.value)
    assert json.loads(out.getvalue())["error"]["code"] == "entry.unit_not_owner"


def test_the_command_shows_an_entry_with_its_history(tmp_path, rst):
    _import(_csv(tmp_path / "show.csv", [_person()]), rst)
    entry = ListEntry.objects.get()
    out = io.StringIO()
    call_command("entries", "show", entry.reference.lower(), stdout=out)
    text = out.getvalue()
    assert entry.reference in text and "拖欠农民工工资失信联合惩戒对象名单" in text
    assert "导入 imported" in text and ADULT not in text
    out = io.StringIO()
    call_command("entries", "show", entry.reference, "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["reference"] == entry.reference
    assert [event["action"] for event in body["history"]] == ["imported"]
    assert body["subject"]["code"] == entry.subject.id_number_masked
