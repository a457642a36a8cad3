from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command

from xinyong.core import audit, calendar
from xinyong.core.models import AuditEvent, CalendarYear

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "calendar-2026.yaml"
XINYONG = Path(sys.executable).parent / "xinyong"
LIBRARY = f"chinese_calendar {chinese_calendar.__version__}"
NOTE_2027 = (
    "2027 年尚无国务院节假日安排，按周末计算 / no official schedule for 2027: weekends only\n"
)


@pytest.fixture
def seeded(db) -> None:
    calendar.seed_from_library(audit.Actor.system())


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("calendar", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_add_workdays_prints_the_acceptance_example(seeded):
    assert run("add-workdays", "2026-09-29", "7") == ("2026-10-14\n", "")


def test_add_workdays_into_an_unscheduled_year_prints_a_note_on_stderr(seeded):
    assert run("add-workdays", "2026-12-28", "10") == ("2027-01-11\n", NOTE_2027)


def test_add_workdays_on_an_empty_table_counts_weekends_only_with_a_note(db):
    out, err = run("add-workdays", "2026-09-29", "7")
    assert out == "2026-10-08\n"
    assert err == calendar.unscheduled_note([2026]) + "\n"
    assert err.startswith("2026 年尚无国务院节假日安排，按周末计算 / no official schedule for 2026")


def test_is_workday_on_a_holiday_weekday(seeded):
    assert run("is-workday", "2026-10-05") == ("false\n国庆节\n", "")


def test_is_workday_on_a_make_up_saturday(seeded):
    assert run("is-workday", "2026-10-10") == ("true\n调休上班（国庆节）\n", "")


def test_is_workday_on_an_ordinary_sunday(seeded):
    assert run("is-workday", "2026-10-18") == ("false\n周末\n", "")


def test_is_workday_in_an_unscheduled_year_prints_a_note(seeded):
    assert run("is-workday", "2027-01-01") == ("true\n工作日\n", NOTE_2027)


@pytest.mark.parametrize("bad", ["2026-02-30", "29/09/2026", "20260929", "tomorrow"])
def test_a_bad_date_is_a_bilingual_command_error(seeded, bad):
    with pytest.raises(CommandError, match=f"日期无效：'{bad}'.* / invalid date '{bad}'"):
        run("add-workdays", bad, "7")
    with pytest.raises(CommandError, match="invalid date"):
        run("is-workday", bad)


@pytest.mark.parametrize("bad", ["-1", "x", "1.5", ""])
def test_a_bad_number_of_working_days_is_a_bilingual_command_error(seeded, bad):
    with pytest.raises(CommandError, match=r"工作日数无效.* / invalid number of working days"):
        run("add-workdays", "2026-09-29", bad)


def test_a_count_beyond_the_year_9999_is_a_coded_command_error(seeded):
    with pytest.raises(CommandError, match=r"^calendar\.out_of_range: 计算结果超出日期范围"):
        run("add-workdays", "9999-12-01", "100")


def test_seed_prints_each_year_then_nothing_to_do(db):
    out, err = run("seed")
    assert out.splitlines() == [f"seeded\t{year}\t{LIBRARY}" for year in range(2004, 2027)]
    assert err == ""
    out, _ = run("seed")
    assert out.startswith("未变更 / unchanged: chinese_calendar")
    assert AuditEvent.objects.filter(action="xinyong.calendar.year_loaded").count() == 23


def test_load_prints_what_it_did_to_each_year(seeded):
    notice = "国务院办公厅关于2026年部分节假日安排的通知"
    assert run("load", str(EXAMPLE)) == (f"replaced\t2026\tholidays 33\tworkdays 6\t{notice}\n", "")
    assert run("load", str(EXAMPLE)) == (
        f"unchanged\t2026\tholidays 33\tworkdays 6\t{notice}\n",
        "",
    )
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.actor.startswith("cli:") and event.data["origin"] == "calendar-2026.yaml"


def test_load_into_an_empty_table_says_loaded(db):
    out, _ = run("load", str(EXAMPLE))
    assert out.startswith("loaded\t2026\tholidays 33\tworkdays 6\t")


def test_load_of_a_bad_file_prints_the_problems_and_the_error_code(seeded, tmp_path):
    path = tmp_path / "calendar-2027.yaml"
    path.write_text("year: 2027\nsource: x\nholidays: [{name: a, dates: [2026-12-31]}]\n")
    err = StringIO()
    with pytest.raises(CommandError, match=r"^calendar\.invalid_file: 日历文件 .* 有 1 处问题"):
        call_command("calendar", "load", str(path), stdout=StringIO(), stderr=err)
    assert "dates outside 2027: 2026-12-31" in err.getvalue()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_load_of_a_missing_file_is_a_coded_command_error(db, tmp_path):
    with pytest.raises(CommandError, match=r"^calendar\.file_unreadable: "):
        run("load", str(tmp_path / "missing.yaml"))


def test_years_lists_each_year_with_its_counts_and_source(seeded):
    out, err = run("years")
    lines = out.splitlines()
    assert len(lines) == 23 and err == ""
    assert lines[-1] == f"2026\tholidays 33\tworkdays 6\t{LIBRARY}"


def test_years_on_an_empty_table_says_how_to_fill_it(db):
    out, err = run("years")
    assert out == "" and "xinyong calendar seed" in err


def test_the_console_script_prints_the_acceptance_example(tmp_path):
    # The script uses its own database: SQLite under its own var directory.
    env = {**os.environ, "XINYONG_VAR_DIR": str(tmp_path)}
    env.pop("XINYONG_DATABASE_URL", None)

    def xinyong(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(XINYONG), *args], env=env, capture_output=True, text=True, timeout=120, check=True
        )

    xinyong("migrate", "--no-input", "-v", "0")
    assert xinyong("calendar", "seed").stdout.splitlines()[-1] == f"seeded\t2026\t{LIBRARY}"
    result = xinyong("calendar", "add-workdays", "2026-09-29", "7")
    assert result.stdout.splitlines()[0] == "2026-10-14"
    assert result.stderr == ""
