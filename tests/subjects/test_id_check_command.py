"""`xinyong id check --kind uscc|id CODE...`: one line per code, exit status 1 if any is bad."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from xinyong.subjects.identifiers import IdentifierError, check_id_number, check_uscc

CONSOLE_SCRIPT = Path(sys.executable).with_name("xinyong")


def english(checker, raw: str) -> str:
    """The English half of the message (the catalogue is compiled separately)."""
    with pytest.raises(IdentifierError) as caught:
        checker(raw)
    return caught.value.message_in("en")


def run(*args: str, stdin: str | None = None) -> tuple[int, list[str]]:
    out = io.StringIO()
    options = {} if stdin is None else {"stdin": io.StringIO(stdin)}
    try:
        call_command("id", "check", *args, stdout=out, **options)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue().splitlines()
    return 0, out.getvalue().splitlines()


def test_it_prints_ok_for_each_good_code_as_given_and_exits_0():
    status, lines = run("--kind", "uscc", "91110000600037341L", "9144 0300 1922 0382 16")
    assert status == 0
    assert lines == ["91110000600037341L\tok", "9144 0300 1922 0382 16\tok"]


def test_it_prints_the_error_code_and_bilingual_message_in_order_and_exits_1():
    masked = "113300******82154n"
    org_code = "19220382-1"
    status, lines = run("--kind", "uscc", masked, "91110000600037341L", org_code)
    assert status == 1
    assert lines == [
        f"{masked}\tuscc.masked\t统一社会信用代码含有“*”，是脱敏后的代码，不能作为代码使用"
        f" / {english(check_uscc, masked)}",
        "91110000600037341L\tok",
        f"{org_code}\tuscc.org_code\t这是9位组织机构代码，不是统一社会信用代码；"
        f"请填写18位统一社会信用代码 / {english(check_uscc, org_code)}",
    ]


def test_it_reports_a_bad_check_character_like_any_other_error():
    status, lines = run("--kind", "uscc", "91110000600037341K")
    assert status == 1
    assert lines[0].startswith("91110000600037341K\tuscc.checksum\t统一社会信用代码的校验码")


def test_it_checks_id_numbers():
    bad_date = "53010219900230123X"
    status, lines = run("--kind", "id", "11010519491231002X", "110105491231002", bad_date)
    assert status == 1
    assert lines == [
        "11010519491231002X\tok",
        "110105491231002\tok",
        f"{bad_date}\tid.birth_date\t身份证号码中的出生日期“19900230”不存在，请核对号码"
        f" / {english(check_id_number, bad_date)}",
    ]


def test_it_reads_codes_from_stdin_for_a_dash_keeping_blank_rows():
    status, lines = run(
        "--kind", "uscc", "914403001922038216", "-", stdin="91110000600037341l\r\n\n"
    )
    assert status == 1
    assert lines[:2] == ["914403001922038216\tok", "91110000600037341l\tok"]
    assert lines[2].startswith("\tuscc.empty\t")
    assert len(lines) == 3


def test_it_needs_a_kind():
    with pytest.raises(CommandError, match="--kind"):
        call_command("id", "check", "91110000600037341L", stdout=io.StringIO())


def test_the_console_script_checks_id_numbers_and_exits_1_on_a_bad_one():
    bad_region = "539999199001010012"
    result = subprocess.run(
        [str(CONSOLE_SCRIPT), "id", "check", "--kind", "id", "11010519491231002x", bad_region],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "11010519491231002x\tok",
        f"{bad_region}\tid.region\t身份证号码前6位“539999”不是行政区划代码，请核对号码"
        f" / {english(check_id_number, bad_region)}",
    ]
