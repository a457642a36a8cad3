"""The working-day calendar: periods such as "7 个工作日" counted as the law counts them.

Which days are working days is decided each year by the State Council's notice
(国务院办公厅关于 YYYY 年部分节假日安排的通知): public holidays, and make-up working
days (调休上班) that are often a Saturday or Sunday. The table stores only the days that
differ from the weekday rule (`CalendarDay`) and the years whose notice is loaded
(`CalendarYear`).

- `WorkCalendar` answers questions in memory from a snapshot of the table, so an import
  of a million rows computes a deadline per row without a query per row.
- A year with no schedule in the table counts weekends only: `UnscheduledYearWarning`
  is raised as a Python warning and `WorkCalendar.unscheduled_years()` lists such years,
  so that commands can print a note. It is never an error: deadlines must still be
  computed when next year's notice is late.
- `seed_from_library()` fills the years the chinese_calendar library knows (2004–2026)
  and never overwrites a year already in the table.
- `load_year()` / `load_file()` load a year the operators type in from the notice.

File format for `load_file()` and `xinyong calendar load` (docs/examples/calendar-2026.yaml)
is `policy.schema.YearSchedule`: one year as a mapping (`year`, `source`, `holidays`,
`workdays`), or several under `years:` (a list of such mappings, as in calendar.yaml).
"""

from __future__ import annotations

import warnings
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import yaml
from django.db import transaction
from django.db.models import Max, Min
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from pydantic import Field, ValidationError

from xinyong.core import audit, yamlfile
from xinyong.core.errors import InvalidInput
from xinyong.core.models import CalendarDay, CalendarYear
from xinyong.policy.schema import DayGroup, Strict, YearSchedule

HOLIDAY = CalendarDay.Kind.HOLIDAY.value
WORKDAY = CalendarDay.Kind.WORKDAY.value
LAST_YEAR = date.max.year
# A year has at least this many working days (≈ 250 in practice): used to load in one
# go every year a long count can still need.
_MIN_WORKDAYS_PER_YEAR = 200

# chinese_calendar names its holidays in English; the table keeps the notice's names.
# Marked for translation so that `explain()` can show them in English.
LIBRARY_NAMES: dict[str, str] = {
    "New Year's Day": gettext_noop("元旦"),
    "Spring Festival": gettext_noop("春节"),
    "Tomb-sweeping Day": gettext_noop("清明节"),
    "Labour Day": gettext_noop("劳动节"),
    "Dragon Boat Festival": gettext_noop("端午节"),
    "Mid-autumn Festival": gettext_noop("中秋节"),
    "National Day": gettext_noop("国庆节"),
    "Anti-Fascist 70th Day": gettext_noop("中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"),
}


# --- unscheduled years ---------------------------------------------------------------
def year_spans(years: Iterable[int]) -> str:
    """'2027', '2027–2029' or '2027–2029, 2031': consecutive years as one span."""
    spans: list[list[int]] = []
    for year in sorted(set(years)):
        if spans and spans[-1][1] == year - 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def unscheduled_note(years: Iterable[int]) -> str:
    """The one-line bilingual note commands print for years counted by weekends only."""
    spans = year_spans(years)
    return (
        f"{spans} 年尚无国务院节假日安排，按周末计算 / "
        f"no official schedule for {spans}: weekends only"
    )


class UnscheduledYearWarning(UserWarning):
    """Working days were counted in years whose holiday schedule is not in the table."""

    def __init__(self, years: Iterable[int]) -> None:
        self.years = tuple(sorted(set(years)))
        super().__init__(unscheduled_note(self.years))


# --- the in-memory calendar ----------------------------------------------------------
class _Mark(NamedTuple):
    kind: str
    name: str


@dataclass(frozen=True, slots=True)
class _Year:
    """One year, precomputed: its exceptions and the ordinals of its working days."""

    scheduled: bool
    marks: Mapping[date, _Mark]
    workdays: tuple[int, ...]

    @classmethod
    def build(cls, year: int, scheduled: bool, marks: Mapping[date, _Mark]) -> _Year:
        own = {day: mark for day, mark in marks.items() if day.year == year}
        first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        workdays = tuple(
            ordinal for ordinal in range(first, last + 1) if _works(date.fromordinal(ordinal), own)
        )
        return cls(scheduled, own, workdays)

    def rank(self, day: date) -> int:
        """How many working days of this year fall on or before `day`."""
        return bisect_right(self.workdays, day.toordinal())


def _works(day: date, marks: Mapping[date, _Mark]) -> bool:
    mark = marks.get(day)
    return mark.kind == WORKDAY if mark else day.weekday() < 5


class _Source(Protocol):
    scheduled: frozenset[int]

    def marks(self, first: int, last: int) -> dict[date, _Mark]: ...


class _TableSource:
    """The database, read when the calendar is built (years) and on first need (days).

    The list of scheduled years and the date range of stored days are read once, so a
    year outside that range (e.g. 2027 today) costs no query at all.
    """

    def __init__(self) -> None:
        self.scheduled = frozenset(CalendarYear.objects.values_list("year", flat=True))
        bounds = CalendarDay.objects.aggregate(first=Min("date"), last=Max("date"))
        self._first: date | None = bounds["first"]
        self._last: date | None = bounds["last"]

    def marks(self, first: int, last: int) -> dict[date, _Mark]:
        if self._first is None or self._last is None:
            return {}
        if last < self._first.year or first > self._last.year:
            return {}
        rows = CalendarDay.objects.filter(
            date__range=(date(first, 1, 1), date(last, 12, 31))
        ).values_list("date", "kind", "name")
        return {day: _Mark(kind, name) for day, kind, name in rows}


class _ScheduleSource:
    """Schedules held in memory (a file being checked, or tests): no database."""

    def __init__(self, schedules: Iterable[YearSchedule]) -> None:
        schedules = list(schedules)
        self.scheduled = frozenset(schedule.year for schedule in schedules)
        self._marks = {
            day: mark for schedule in schedules for day, mark in _schedule_marks(schedule).items()
        }

    def marks(self, first: int, last: int) -> dict[date, _Mark]:
        return {day: mark for day, mark in self._marks.items() if first <= day.year <= last}


class WorkCalendar:
    """A snapshot of the working-day table that answers questions in memory.

    Each year is read at its first use and never again: years past the ones given to
    `load()` (a deadline that runs into next year) are read lazily, with at most one
    query for however many years a computation needs, and none for years beyond the
    stored days. Answers therefore never change during the life of one calendar; build
    a new one to see later loads. Safe to share between threads: a year read twice at
    the same time is built twice from the same snapshot, with the same result.
    """

    __slots__ = ("_source", "_years")

    def __init__(self, source: _Source) -> None:
        self._source = source
        self._years: dict[int, _Year] = {}

    @classmethod
    def load(cls, years: Iterable[int] = ()) -> WorkCalendar:
        """Read the table for `years` (others are read when first needed)."""
        calendar = cls(_TableSource())
        wanted = sorted(set(years))
        if wanted:
            calendar._ensure(wanted[0], wanted[-1], stacklevel=3)
        return calendar

    @classmethod
    def from_schedules(cls, schedules: Iterable[YearSchedule]) -> WorkCalendar:
        """A calendar of these schedules only, without the database."""
        return cls(_ScheduleSource(schedules))

    def __repr__(self) -> str:
        return f"<WorkCalendar years={year_spans(self._years) or 'none'}>"

    # --- questions --------------------------------------------------------------------
    def is_workday(self, day: date) -> bool:
        return _works(day, self._get(day.year).marks)

    def explain(self, day: date) -> str:
        """Why it is or is not a working day: '国庆节', '调休上班（国庆节）', '周末', '工作日'."""
        mark = self._get(day.year).marks.get(day)
        if mark is None:
            return gettext("工作日") if day.weekday() < 5 else gettext("周末")
        if mark.kind == WORKDAY:
            if not mark.name:
                return gettext("调休上班")
            return gettext("调休上班（%(holiday)s）") % {"holiday": gettext(mark.name)}
        return gettext(mark.name) if mark.name else gettext("法定节假日")

    def add_workdays(self, start: date, n: int) -> date:
        """The date `n` working days after `start`; `start` itself is not counted.

        1. n = 0 is `start` itself, whatever kind of day it is.
        2. In `start`'s year, skip the working days on or before `start` (bisection).
        3. If the rest of the year has at least n working days, the answer is the n-th.
        4. Otherwise take them all off n and go on at the start of the next year, reading
           in one go every year the remaining count can still need.
        """
        if n < 0:
            raise ValueError(f"n must be 0 or more, not {n}")
        if n == 0:
            return start
        year, table = start.year, self._get(start.year)
        position = table.rank(start)
        while n > len(table.workdays) - position:
            n -= len(table.workdays) - position
            year += 1
            if year > LAST_YEAR:
                raise InvalidInput(
                    "calendar.out_of_range", _("计算结果超出日期范围（公元 9999 年以后）")
                )
            if year not in self._years:
                self._ensure(year, year + n // _MIN_WORKDAYS_PER_YEAR, stacklevel=3)
            table, position = self._years[year], 0
        return date.fromordinal(table.workdays[position + n - 1])

    def workdays_between(self, a: date, b: date) -> int:
        """Working days after `a` up to and including `b`; negative when `b` is before `a`.

        1. Order the two days and remember the sign.
        2. Sum the working days of the whole years from the earlier day's year up to the
           later day's year, exclusive.
        3. Add the later day's rank in its year and take off the earlier day's.
        """
        sign, (low, high) = (1, (a, b)) if a <= b else (-1, (b, a))
        self._ensure(low.year, high.year, stacklevel=3)
        whole = sum(len(self._years[year].workdays) for year in range(low.year, high.year))
        return sign * (whole + self._years[high.year].rank(high) - self._years[low.year].rank(low))

    def unscheduled_years(
        self, start: date | None = None, end: date | None = None
    ) -> tuple[int, ...]:
        """Years counted by weekends only: all read so far, or those from `start` to `end`."""
        if start is None:
            years: Iterable[int] = self._years
        else:
            low, high = sorted((start.year, (end or start).year))
            self._ensure(low, high, stacklevel=3)
            years = range(low, high + 1)
        return tuple(year for year in sorted(years) if not self._years[year].scheduled)

    # --- reading years ----------------------------------------------------------------
    def _get(self, year: int) -> _Year:
        found = self._years.get(year)
        if found is None:
            self._ensure(year, year, stacklevel=4)
            found = self._years[year]
        return found

    def _ensure(self, first: int, last: int, *, stacklevel: int) -> None:
        """Read the missing years from `first` to `last` with one query; warn once for them."""
        missing = [
            year for year in range(first, min(last, LAST_YEAR) + 1) if year not in self._years
        ]
        if not missing:
            return
        marks = self._source.marks(missing[0], missing[-1])
        scheduled = self._source.scheduled
        for year in missing:
            self._years[year] = _Year.build(year, year in scheduled, marks)
        unscheduled = [year for year in missing if year not in scheduled]
        if unscheduled:
            warnings.warn(UnscheduledYearWarning(unscheduled), stacklevel=stacklevel)


# --- errors --------------------------------------------------------------------------
class CalendarFileInvalid(InvalidInput):
    """A schedule file that cannot be loaded; `problems` says where and why."""

    def __init__(
        self,
        path: str | Path,
        problems: Sequence[str],
        *,
        code: str = "calendar.invalid_file",
        message: str | Promise | None = None,
    ) -> None:
        default = _("日历文件 %(path)s 有 %(count)d 处问题，未载入任何内容")
        super().__init__(
            code, message or default, params={"path": str(path), "count": len(problems)}
        )
        self.problems = list(problems)


def _invalid_schedule(schedule: YearSchedule, detail: str) -> InvalidInput:
    return InvalidInput(
        "calendar.invalid_schedule",
        _("%(year)s 年节假日安排无效：%(detail)s"),
        params={"year": schedule.year, "detail": detail},
    )


# --- loading years -------------------------------------------------------------------
@dataclass(frozen=True)
class YearLoad:
    """What loading one year did (`changed` is False when it matched the table)."""

    year: int
    source: str
    holidays: int
    workdays: int
    replaced: bool
    changed: bool = True


@dataclass(frozen=True)
class StoredYear:
    year: int
    source: str
    holidays: int
    workdays: int


_MAX_NAME = CalendarDay._meta.get_field("name").max_length or 100
_MAX_SOURCE = CalendarYear._meta.get_field("source").max_length or 200


def _schedule_marks(schedule: YearSchedule) -> dict[date, _Mark]:
    """The schedule as the table stores it; raises when a date is listed twice."""
    marks: dict[date, _Mark] = {}
    for kind, groups in ((HOLIDAY, schedule.holidays), (WORKDAY, schedule.workdays)):
        for group in groups:
            if len(group.name) > _MAX_NAME:
                raise _invalid_schedule(schedule, f"name longer than {_MAX_NAME}: {group.name}")
            for day in group.dates:
                if day in marks:
                    raise _invalid_schedule(schedule, f"{day.isoformat()} is listed twice")
                marks[day] = _Mark(kind, group.name)
    return marks


def _year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _stored_marks(year: int) -> dict[date, _Mark]:
    rows = CalendarDay.objects.filter(date__range=_year_range(year)).values_list(
        "date", "kind", "name"
    )
    return {day: _Mark(kind, name) for day, kind, name in rows}


def _counts(marks: Mapping[date, _Mark]) -> tuple[int, int]:
    holidays = sum(1 for mark in marks.values() if mark.kind == HOLIDAY)
    return holidays, len(marks) - holidays


def _apply(
    schedule: YearSchedule, actor: audit.Actor, source: str, *, origin: str, force: bool
) -> YearLoad:
    """Replace the year's days with the schedule's, unless unchanged and not `force`."""
    marks = _schedule_marks(schedule)
    source = source[:_MAX_SOURCE]
    holidays, workdays = _counts(marks)
    with transaction.atomic():
        previous = CalendarYear.objects.filter(year=schedule.year).first()
        stored = _stored_marks(schedule.year)
        if not force and previous is not None and previous.source == source and stored == marks:
            return YearLoad(schedule.year, source, holidays, workdays, True, changed=False)
        CalendarDay.objects.filter(date__range=_year_range(schedule.year)).delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(date=day, kind=mark.kind, name=mark.name, source=source)
            for day, mark in sorted(marks.items())
        )
        entry, _created = CalendarYear.objects.update_or_create(
            year=schedule.year, defaults={"source": source}
        )
        old_holidays, old_workdays = _counts(stored)
        audit.record(
            "xinyong.calendar.year_loaded",
            actor,
            entry,
            {
                "year": schedule.year,
                "source": source,
                "notice": schedule.source,
                "origin": origin,
                "holidays": holidays,
                "workdays": workdays,
                "previous": None
                if previous is None
                else {
                    "source": previous.source,
                    "holidays": old_holidays,
                    "workdays": old_workdays,
                },
            },
        )
    return YearLoad(schedule.year, source, holidays, workdays, previous is not None)


def load_year(
    schedule: YearSchedule, actor: audit.Actor, source: str, *, origin: str = ""
) -> YearLoad:
    """Replace the year's days with the schedule's, atomically; one audit event."""
    return _apply(schedule, actor, source, origin=origin, force=True)


def load_year_if_changed(
    schedule: YearSchedule, actor: audit.Actor, source: str, *, origin: str = ""
) -> bool:
    """`load_year` unless the table already holds exactly this (for idempotent loads)."""
    return _apply(schedule, actor, source, origin=origin, force=False).changed


def stored_years() -> list[StoredYear]:
    """The years in the table, with their source and how many days each kind has."""
    counts: dict[tuple[int, str], int] = {}
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        counts[day.year, kind] = counts.get((day.year, kind), 0) + 1
    return [
        StoredYear(
            entry.year,
            entry.source,
            counts.get((entry.year, HOLIDAY), 0),
            counts.get((entry.year, WORKDAY), 0),
        )
        for entry in CalendarYear.objects.order_by("year")
    ]


# --- the chinese_calendar library ----------------------------------------------------
def library_source() -> str:
    import chinese_calendar

    return f"chinese_calendar {chinese_calendar.__version__}"


def _groups(days: Mapping[str, list[date]]) -> list[DayGroup]:
    ordered = sorted(days.items(), key=lambda item: min(item[1]))
    return [DayGroup(name=name, dates=sorted(dates)) for name, dates in ordered]


def library_schedules() -> list[YearSchedule]:
    """chinese_calendar's data as one schedule per year, with the Chinese holiday names."""
    from chinese_calendar import constants

    by_year: dict[int, dict[str, dict[str, list[date]]]] = {}
    for kind, table in (("holidays", constants.holidays), ("workdays", constants.workdays)):
        for day, english in table.items():
            name = LIBRARY_NAMES.get(str(english), str(english))
            years = by_year.setdefault(day.year, {"holidays": {}, "workdays": {}})
            years[kind].setdefault(name, []).append(day)
    source = library_source()
    return [
        YearSchedule(
            year=year,
            source=source,
            holidays=_groups(kinds["holidays"]),
            workdays=_groups(kinds["workdays"]),
        )
        for year, kinds in sorted(by_year.items())
    ]


def seed_from_library(actor: audit.Actor) -> list[int]:
    """Store the years chinese_calendar knows that the table lacks; return those years.

    A year already in `CalendarYear` is left alone, whoever loaded or edited it.
    """
    loaded: list[int] = []
    with transaction.atomic():
        present = set(CalendarYear.objects.values_list("year", flat=True))
        for schedule in library_schedules():
            if schedule.year not in present:
                load_year(schedule, actor, schedule.source, origin="chinese_calendar")
                loaded.append(schedule.year)
    return loaded


# --- schedule files ------------------------------------------------------------------
class _ScheduleList(Strict):
    years: list[YearSchedule] = Field(min_length=1)


def _validation_problems(error: ValidationError) -> Iterator[str]:
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        yield f"{where}: {item['msg']}" if where else item["msg"]


def _parse_schedules(data: Any) -> list[YearSchedule]:
    if isinstance(data, dict) and "years" in data:
        return _ScheduleList.model_validate(data).years
    return [YearSchedule.model_validate(data)]


def _file_problems(schedules: list[YearSchedule]) -> list[str]:
    problems: list[str] = []
    seen: set[int] = set()
    for schedule in schedules:
        if schedule.year in seen:
            problems.append(f"year {schedule.year} is given twice")
        seen.add(schedule.year)
        try:
            _schedule_marks(schedule)
        except InvalidInput as exc:
            problems.append(f"year {schedule.year}: {exc.params.get('detail', exc.code)}")
    return problems


def read_file(path: str | Path) -> list[YearSchedule]:
    """Parse and check a schedule file; raise `CalendarFileInvalid` with every problem.

    1. Read the text (a missing or unreadable file is `calendar.file_unreadable`).
    2. Parse the YAML and validate it as one `YearSchedule` or a list under `years:`.
    3. Check what the model cannot: a year given twice, a date listed twice.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarFileInvalid(
            path,
            [str(exc)],
            code="calendar.file_unreadable",
            message=_("无法读取日历文件 %(path)s"),
        ) from None
    try:
        data = yamlfile.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: an impossible date (2027-02-30)
        raise CalendarFileInvalid(path, [f"not valid YAML: {exc}"]) from None
    try:
        schedules = _parse_schedules(data)
    except ValidationError as exc:
        raise CalendarFileInvalid(path, list(_validation_problems(exc))) from None
    problems = _file_problems(schedules)
    if problems:
        raise CalendarFileInvalid(path, problems)
    return schedules


def load_file(path: str | Path, actor: audit.Actor) -> list[YearLoad]:
    """Load every year of a schedule file in one transaction; unchanged years are skipped.

    The stored source of each year is the file's `source` (the notice's title).
    """
    schedules = read_file(path)
    with transaction.atomic():
        return [
            _apply(schedule, actor, schedule.source, origin=Path(path).name, force=False)
            for schedule in schedules
        ]
