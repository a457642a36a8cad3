"""`xinyong timeliness [--unit CODE] [--json]`: records received on time, per unit and month.

Counts the records of the types a timeliness rule applies to, by reporting unit and
month of the decision date (`xinyong.records.timeliness`).

Output
  stdout, human: a table (unit, month, on time, late, average delay in working days).
  stdout, --json: [{"unit", "month", "on_time", "late", "average_delay"}], the delay a
      number of working days (2 decimals) or null when no record was late.
  stderr: a note when a year has no holiday schedule (counted by weekends only).
Exit status 1 with the error's code and its message in Chinese and English for an
unknown unit.
"""

from __future__ import annotations

import io
import json
import warnings
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from xinyong.core import calendar
from xinyong.core.errors import XinyongError
from xinyong.records.timeliness import MonthFigures, monthly
from xinyong.subjects.services import find_unit

COLUMNS = ("单位 unit", "月份 month", "按时 on time", "逾期 late", "平均逾期工作日 average delay")


class Command(BaseCommand):
    help = "Timeliness of reporting (报送及时性): records on time and late, per unit and month."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", help="only this unit (its code)")
        parser.add_argument("--json", action="store_true", help="print the rows as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            units = None if options["unit"] is None else [find_unit(options["unit"]).code]
        except XinyongError as exc:
            raise CommandError(f"{exc.code}: {exc.bilingual()}", returncode=1) from None
        # The note below replaces the Python warning, which would print a source line.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", calendar.UnscheduledYearWarning)
            work = calendar.WorkCalendar.load()
            rows = monthly(units, calendar=work)
            unscheduled = work.unscheduled_years()
        if options["json"]:
            self.stdout.write(json.dumps([row.as_dict() for row in rows], ensure_ascii=False))
        else:
            self._table(rows)
        if unscheduled:
            self.stderr.write(calendar.unscheduled_note(unscheduled), style_func=self.style.WARNING)

    def _table(self, rows: list[MonthFigures]) -> None:
        if not rows:
            self.stdout.write("没有适用及时性规则的记录 / no records under a timeliness rule")
            return
        table = Table(*COLUMNS)
        for row in rows:
            delay = "-" if row.average_delay is None else f"{row.average_delay:.1f}"
            table.add_row(row.unit, row.month, str(row.on_time), str(row.late), delay)
        buffer = io.StringIO()
        Console(file=buffer, width=120).print(table)
        self.stdout.write(buffer.getvalue(), ending="")
