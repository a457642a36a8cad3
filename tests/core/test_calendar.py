from __future__ import annotations

import warnings
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from xinyong.core import audit, calendar
from xinyong.core.calendar import UnscheduledYearWarning, WorkCalendar
from xinyong.core.models import AuditEvent, CalendarDay, CalendarYear
from xinyong.policy.schema import DayGroup, YearSchedule

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "calendar-2026.yaml"
ACTOR = audit.Actor("user:1:clerk", "YN-TEST")
LIBRARY_YEARS = list(range(2004, 2027))


@pytest.fixture
def seeded(db) -> list[int]:
    return calendar.seed_from_library(audit.Actor.system())


@pytest.fixture
def work(seeded) -> WorkCalendar:
    return WorkCalendar.load([2026])


def _days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]


def _stored(year: int) -> list[tuple[date, str, str]]:
    return list(CalendarDay.objects.filter(date__year=year).values_list("date", "kind", "name"))


def _schedule(year: int, holidays: list[date], workdays: list[date] = ()) -> YearSchedule:
    return YearSchedule(
        year=year,
        source="test notice",
        holidays=[DayGroup(name="测试假日", dates=holidays)],
        workdays=[DayGroup(name="测试假日", dates=list(workdays))] if workdays else [],
    )


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "calendar.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- counting working days ---------------------------------------------------------
def test_seven_working_days_after_29_september_2026_is_14_october(work):
    assert work.add_workdays(date(2026, 9, 29), 7) == date(2026, 10, 14)


def test_it_counts_the_make_up_saturday_as_a_working_day(work):
    assert work.is_workday(date(2026, 10, 10))
    assert work.add_workdays(date(2026, 10, 9), 1) == date(2026, 10, 10)


def test_a_deadline_crossing_spring_festival_skips_the_whole_break(work):
    # Fri 13 Feb, make-up Sat 14 Feb, then 15–23 Feb off: 24, 25, 26 Feb.
    assert work.add_workdays(date(2026, 2, 12), 5) == date(2026, 2, 26)


def test_the_start_day_is_not_counted_even_when_it_is_a_holiday(work):
    assert work.add_workdays(date(2026, 10, 3), 1) == date(2026, 10, 8)


def test_zero_working_days_is_the_start_day_itself(work):
    assert work.add_workdays(date(2026, 10, 3), 0) == date(2026, 10, 3)


def test_a_negative_count_is_refused(work):
    with pytest.raises(ValueError, match="0 or more"):
        work.add_workdays(date(2026, 10, 3), -1)


def test_a_count_past_the_year_9999_is_a_domain_error(work):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnscheduledYearWarning)
        with pytest.raises(calendar.InvalidInput) as caught:
            work.add_workdays(date(9999, 12, 1), 100)
    assert caught.value.code == "calendar.out_of_range"


def test_it_counts_working_days_between_two_dates(work):
    assert work.workdays_between(date(2026, 9, 29), date(2026, 10, 14)) == 7
    assert work.workdays_between(date(2026, 10, 14), date(2026, 9, 29)) == -7
    assert work.workdays_between(date(2026, 10, 1), date(2026, 10, 7)) == 0
    assert work.workdays_between(date(2026, 5, 6), date(2026, 5, 6)) == 0


@pytest.mark.filterwarnings("ignore::xinyong.core.calendar.UnscheduledYearWarning")
def test_counting_between_dates_undoes_adding_working_days(work):
    for offset in range(0, 1200, 7):
        start = date(2024, 1, 1) + timedelta(days=offset)
        for n in (0, 1, 5, 7, 20, 300):
            assert work.workdays_between(start, work.add_workdays(start, n)) == n


def test_it_agrees_with_chinese_calendar_on_every_day_it_seeded(work):
    for year in (2015, 2020, 2026):
        for day in _days(year):
            assert work.is_workday(day) == chinese_calendar.is_workday(day), day


# --- explaining a day --------------------------------------------------------------
def test_a_holiday_weekday_is_not_a_working_day_and_is_named(work):
    assert date(2026, 10, 5).weekday() == 0
    assert not work.is_workday(date(2026, 10, 5))
    assert work.explain(date(2026, 10, 5)) == "国庆节"


def test_a_make_up_saturday_is_explained_with_its_holiday(work):
    assert date(2026, 10, 10).weekday() == 5
    assert work.explain(date(2026, 10, 10)) == "调休上班（国庆节）"


def test_an_ordinary_sunday_is_a_weekend_and_an_ordinary_monday_a_working_day(work):
    assert not work.is_workday(date(2026, 10, 18))
    assert work.explain(date(2026, 10, 18)) == "周末"
    assert work.is_workday(date(2026, 10, 19))
    assert work.explain(date(2026, 10, 19)) == "工作日"


# --- years without a schedule ------------------------------------------------------
def test_crossing_into_an_unscheduled_year_counts_weekends_only_and_warns(work):
    with pytest.warns(UnscheduledYearWarning, match="no official schedule for 2027") as caught:
        deadline = work.add_workdays(date(2026, 12, 28), 10)
    # 29–31 Dec, then 1 Jan 2027 counts: there is no New Year holiday without a schedule.
    assert deadline == date(2027, 1, 11)
    assert [warning.message.years for warning in caught] == [(2027,)]
    assert work.unscheduled_years() == (2027,)
    assert work.unscheduled_years(date(2026, 12, 28), deadline) == (2027,)


def test_an_empty_table_counts_weekends_only_and_warns(db):
    with pytest.warns(UnscheduledYearWarning, match="2026 年尚无国务院节假日安排"):
        work = WorkCalendar.load([2026])
    assert work.add_workdays(date(2026, 9, 29), 7) == date(2026, 10, 8)
    assert work.explain(date(2026, 10, 1)) == "工作日"
    assert work.unscheduled_years() == (2026,)


def test_a_long_count_warns_once_for_all_the_unscheduled_years_it_needs(work):
    with pytest.warns(UnscheduledYearWarning) as caught:
        work.add_workdays(date(2026, 12, 31), 261 * 3)
    assert [warning.message.years for warning in caught] == [(2027, 2028, 2029, 2030)]
    assert str(caught[0].message).startswith("2027–2030 年尚无国务院节假日安排")


# --- queries -----------------------------------------------------------------------
def test_a_loaded_calendar_answers_without_queries(work, django_assert_num_queries):
    with django_assert_num_queries(0):
        for offset in range(2000):
            start = date(2026, 1, 1) + timedelta(days=offset % 300)
            work.add_workdays(start, 7)
            work.is_workday(start)


def test_it_reads_an_earlier_year_lazily_with_one_query(work, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert work.add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 9)
    with django_assert_num_queries(0):
        assert work.add_workdays(date(2025, 9, 29), 1) == date(2025, 9, 30)


def test_it_reads_no_rows_for_years_beyond_the_stored_days(work, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.warns(UnscheduledYearWarning):
        assert work.is_workday(date(2031, 1, 1))


def test_a_calendar_built_from_schedules_needs_no_database():
    work = WorkCalendar.from_schedules(calendar.read_file(EXAMPLE))
    assert work.add_workdays(date(2026, 9, 29), 7) == date(2026, 10, 14)
    assert work.explain(date(2026, 2, 14)) == "调休上班（春节）"


# --- seeding from chinese_calendar -------------------------------------------------
def test_seeding_stores_every_year_the_library_knows(seeded):
    assert seeded == LIBRARY_YEARS
    assert list(CalendarYear.objects.values_list("year", flat=True)) == LIBRARY_YEARS
    assert set(CalendarYear.objects.values_list("source", flat=True)) == {
        f"chinese_calendar {chinese_calendar.__version__}"
    }
    assert ("2026-10-10", "workday", "国庆节") in [
        (day.isoformat(), kind, name) for day, kind, name in _stored(2026)
    ]


def test_seeding_writes_one_audit_event_per_year(seeded):
    events = AuditEvent.objects.filter(action="xinyong.calendar.year_loaded")
    assert events.count() == len(LIBRARY_YEARS)
    last = events.get(object_id="2026")
    assert last.object_type == "core.calendaryear"
    assert last.data["holidays"] == 33 and last.data["workdays"] == 6
    assert last.data["previous"] is None
    assert audit.verify().ok


def test_seeding_twice_changes_nothing_the_second_time(seeded):
    before = (_stored(2026), AuditEvent.objects.count())
    assert calendar.seed_from_library(audit.Actor.system()) == []
    assert (_stored(2026), AuditEvent.objects.count()) == before


def test_seeding_does_not_overwrite_a_year_an_operator_loaded(db):
    calendar.load_year(_schedule(2026, [date(2026, 3, 3)]), ACTOR, "operator")
    seeded = calendar.seed_from_library(audit.Actor.system())
    assert 2026 not in seeded and 2025 in seeded
    assert _stored(2026) == [(date(2026, 3, 3), "holiday", "测试假日")]
    assert CalendarYear.objects.get(year=2026).source == "operator"


# --- loading a year ----------------------------------------------------------------
def test_loading_a_year_replaces_all_its_days(seeded):
    result = calendar.load_year(
        _schedule(2026, [date(2026, 3, 3)], [date(2026, 3, 7)]), ACTOR, "operator"
    )
    assert (result.holidays, result.workdays, result.replaced) == (1, 1, True)
    assert _stored(2026) == [
        (date(2026, 3, 3), "holiday", "测试假日"),
        (date(2026, 3, 7), "workday", "测试假日"),
    ]
    assert _stored(2025), "other years are untouched"
    work = WorkCalendar.load([2026])
    assert work.is_workday(date(2026, 10, 5)) and work.is_workday(date(2026, 3, 7))


def test_loading_a_year_records_the_counts_before_and_after(seeded):
    calendar.load_year(_schedule(2026, [date(2026, 3, 3)]), ACTOR, "operator", origin="x.yaml")
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "xinyong.calendar.year_loaded" and event.actor == ACTOR.label
    assert event.data["origin"] == "x.yaml"
    assert event.data["previous"] == {
        "source": f"chinese_calendar {chinese_calendar.__version__}",
        "holidays": 33,
        "workdays": 6,
    }


def test_loading_the_same_year_again_if_changed_writes_nothing(db):
    schedule = _schedule(2027, [date(2027, 1, 1)])
    assert calendar.load_year_if_changed(schedule, ACTOR, "pack test")
    events = AuditEvent.objects.count()
    assert not calendar.load_year_if_changed(schedule, ACTOR, "pack test")
    assert AuditEvent.objects.count() == events


def test_a_schedule_listing_a_date_twice_is_refused_before_any_change(seeded):
    schedule = YearSchedule(
        year=2026,
        source="x",
        holidays=[
            DayGroup(name="甲", dates=[date(2026, 3, 3)]),
            DayGroup(name="乙", dates=[date(2026, 3, 3)]),
        ],
    )
    before = _stored(2026)
    with pytest.raises(calendar.InvalidInput) as caught:
        calendar.load_year(schedule, ACTOR, "operator")
    assert caught.value.code == "calendar.invalid_schedule"
    assert _stored(2026) == before


# --- schedule files ----------------------------------------------------------------
def test_the_example_file_gives_the_same_days_as_the_library_seed(seeded):
    from_library = _stored(2026)
    [result] = calendar.load_file(EXAMPLE, ACTOR)
    assert (result.year, result.holidays, result.workdays, result.changed) == (2026, 33, 6, True)
    assert _stored(2026) == from_library
    assert (
        CalendarYear.objects.get(year=2026).source == "国务院办公厅关于2026年部分节假日安排的通知"
    )


def test_the_example_file_gives_the_same_answers_as_chinese_calendar(db):
    calendar.load_file(EXAMPLE, ACTOR)
    work = WorkCalendar.load([2026])
    for day in _days(2026):
        assert work.is_workday(day) == chinese_calendar.is_workday(day), day
    assert work.add_workdays(date(2026, 9, 29), 7) == date(2026, 10, 14)
    assert work.unscheduled_years() == ()


def test_loading_the_example_file_twice_changes_nothing_the_second_time(db):
    calendar.load_file(EXAMPLE, ACTOR)
    events = AuditEvent.objects.count()
    [result] = calendar.load_file(EXAMPLE, ACTOR)
    assert not result.changed
    assert AuditEvent.objects.count() == events


def test_a_file_may_hold_several_years_under_years(db, tmp_path):
    path = _write(
        tmp_path,
        "years:\n"
        "  - {year: 2027, source: a, holidays: [{name: 元旦, dates: [2027-01-01]}]}\n"
        "  - {year: 2028, source: b, holidays: [{name: 元旦, dates: [2028-01-03]}],\n"
        "     workdays: [{name: 元旦, dates: [2028-01-08]}]}\n",
    )
    results = calendar.load_file(path, ACTOR)
    assert [(r.year, r.holidays, r.workdays) for r in results] == [(2027, 1, 0), (2028, 1, 1)]
    assert list(CalendarYear.objects.values_list("year", "source")) == [(2027, "a"), (2028, "b")]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("year: 2027\nsource: x\nholidays: [{name: a, dates: [2027-01-01]}\n", "not valid YAML"),
        ("- 1\n- 2\n", "valid dictionary"),
        ("year: 2027\nsource: x\nholidays: []\nextra: 1\n", "extra: Extra inputs"),
        ("year: 2027\nsource: x\nholidays: [{name: a, dates: [2026-12-31]}]\n", "outside 2027"),
        ("year: 2027\nsource: x\nholidays: [{name: a, dates: [2027-02-30]}]\n", "day is out"),
        ("year: 2027\nsource: x\nholidays: [{name: a, dates: [soon]}]\n", "dates.0"),
        (
            "year: 2027\nsource: x\n"
            "holidays: [{name: a, dates: [2027-01-01]}, {name: b, dates: [2027-01-01]}]\n",
            "2027-01-01 is listed twice",
        ),
        (
            "years:\n  - {year: 2027, source: x, holidays: []}\n"
            "  - {year: 2027, source: y, holidays: []}\n",
            "year 2027 is given twice",
        ),
    ],
)
def test_a_bad_file_is_a_domain_error_that_changes_nothing(seeded, tmp_path, text, problem):
    before = (_stored(2026), AuditEvent.objects.count())
    with pytest.raises(calendar.CalendarFileInvalid) as caught:
        calendar.load_file(_write(tmp_path, text), ACTOR)
    assert caught.value.code == "calendar.invalid_file"
    assert any(problem in line for line in caught.value.problems), caught.value.problems
    assert "未载入任何内容" in caught.value.message_in("zh-hans")
    assert (_stored(2026), AuditEvent.objects.count()) == before


def test_a_missing_file_is_a_domain_error(db, tmp_path):
    with pytest.raises(calendar.CalendarFileInvalid) as caught:
        calendar.load_file(tmp_path / "missing.yaml", ACTOR)
    assert caught.value.code == "calendar.file_unreadable"
