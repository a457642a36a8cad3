"""`xinyong calendar …`: count working days and load the State Council's holiday schedules.

    add-workdays DATE N   the date N working days after DATE (DATE itself not counted)
    is-workday DATE       "true"/"false", then why (e.g. 国庆节, 调休上班（国庆节）, 周末)
    load FILE             load one year (or several under `years:`) from a YAML file
    seed                  store the years chinese_calendar knows that the table lacks
    years                 list the years in the table with their source

Results go to stdout, one fact per line, so scripts can read the first line. A year
with no official schedule is counted by weekends only, with a note on stderr.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinyong.core import calendar
from xinyong.core.audit import Actor
from xinyong.core.errors import XinyongError

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(text: str) -> date:
    """A YYYY-MM-DD date, or a bilingual CommandError."""
    try:
        if _ISO_DATE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise CommandError(
        f"日期无效：{text!r}，应为 YYYY-MM-DD / invalid date {text!r}: expected YYYY-MM-DD"
    )


def parse_count(text: str) -> int:
    """A whole number of working days, 0 or more, or a bilingual CommandError."""
    if not re.fullmatch(r"\d+", text.strip()):
        raise CommandError(
            f"工作日数无效：{text!r}，应为不小于 0 的整数 / "
            f"invalid number of working days {text!r}: expected a whole "
            "number, 0 or more"
        )
    return int(text)


class Command(BaseCommand):
    help = "Working-day calendar (工作日日历): count deadlines, load holiday schedules."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add-workdays", help="the date N working days after DATE")
        add.add_argument("date", help="YYYY-MM-DD; the day itself is not counted")
        add.add_argument("n", help="number of working days, 0 or more")
        sub.add_parser("is-workday", help="whether DATE is a working day, and why").add_argument(
            "date", help="YYYY-MM-DD"
        )
        sub.add_parser("load", help="load a year's schedule from a YAML file").add_argument(
            "file", help="see docs/examples/calendar-2026.yaml"
        )
        sub.add_parser("seed", help="store the years chinese_calendar knows (never overwrites)")
        sub.add_parser("years", help="list the years in the table with their source")

    def handle(self, *args: Any, **options: Any) -> None:
        handlers: dict[str, Callable[[dict[str, Any]], None]] = {
            "add-workdays": self._add_workdays,
            "is-workday": self._is_workday,
            "load": self._load,
            "seed": self._seed,
            "years": self._years,
        }
        try:
            handlers[options["action"]](options)
        except calendar.CalendarFileInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(f"{exc.code}: {exc.bilingual()}") from None
        except XinyongError as exc:
            raise CommandError(f"{exc.code}: {exc.bilingual()}") from None

    def _note_unscheduled(self, years: tuple[int, ...]) -> None:
        if years:
            self.stderr.write(calendar.unscheduled_note(years), style_func=self.style.WARNING)

    def _add_workdays(self, options: dict[str, Any]) -> None:
        start, n = parse_date(options["date"]), parse_count(options["n"])
        # The note below replaces the Python warning, which would print a source line.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", calendar.UnscheduledYearWarning)
            work = calendar.WorkCalendar.load([start.year])
            result = work.add_workdays(start, n)
            unscheduled = work.unscheduled_years(start, result)
        self.stdout.write(result.isoformat())
        self._note_unscheduled(unscheduled)

    def _is_workday(self, options: dict[str, Any]) -> None:
        day = parse_date(options["date"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", calendar.UnscheduledYearWarning)
            work = calendar.WorkCalendar.load([day.year])
            answer, why = work.is_workday(day), work.explain(day)
            unscheduled = work.unscheduled_years(day)
        self.stdout.write("true" if answer else "false")
        self.stdout.write(why)
        self._note_unscheduled(unscheduled)

    def _load(self, options: dict[str, Any]) -> None:
        for result in calendar.load_file(options["file"], Actor.cli()):
            state = (
                "unchanged" if not result.changed else "replaced" if result.replaced else "loaded"
            )
            self.stdout.write(
                f"{state}\t{result.year}\tholidays {result.holidays}\t"
                f"workdays {result.workdays}\t{result.source}"
            )

    def _seed(self, options: dict[str, Any]) -> None:
        source = calendar.library_source()
        years = calendar.seed_from_library(Actor.cli())
        for year in years:
            self.stdout.write(f"seeded\t{year}\t{source}")
        if not years:
            self.stdout.write(
                f"未变更 / unchanged: {source} 所知年份均已在表中 / "
                "every year it knows is already in the table"
            )

    def _years(self, options: dict[str, Any]) -> None:
        stored = calendar.stored_years()
        for entry in stored:
            self.stdout.write(
                f"{entry.year}\tholidays {entry.holidays}\t"
                f"workdays {entry.workdays}\t{entry.source}"
            )
        if not stored:
            self.stderr.write(
                "表中尚无节假日安排 / no schedules in the table: run "
                "`xinyong calendar seed` or `xinyong calendar load FILE`",
                style_func=self.style.WARNING,
            )
