"""Periods written the way rules state them: "7 working days", "3 months", "1 year"."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

Unit = Literal["day", "working_day", "month", "year"]
_PATTERN = re.compile(r"^\s*(\d+)\s+(working\s+days?|days?|months?|years?)\s*$")
_UNITS: dict[str, Unit] = {"day": "day", "working": "working_day", "month": "month", "year": "year"}


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: Unit

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _PATTERN.match(text)
        if not match:
            raise ValueError(
                f"{text!r} is not a period such as '7 working days', '3 months' or '1 year'"
            )
        word = match.group(2).split()[0].rstrip("s")
        return cls(int(match.group(1)), _UNITS[word])

    def __str__(self) -> str:
        name = self.unit.replace("_", " ")
        return f"{self.amount} {name}{'' if self.amount == 1 else 's'}"

    def months(self) -> int:
        if self.unit == "year":
            return self.amount * 12
        if self.unit == "month":
            return self.amount
        raise ValueError(f"{self} is not counted in months")

    def after(self, start: date) -> date:
        """The calendar date this period after `start` (working days need the calendar)."""
        if self.unit == "day":
            return start + timedelta(days=self.amount)
        if self.unit == "working_day":
            raise ValueError("working days are counted by xinyong.core.calendar")
        total = start.month - 1 + self.months()
        year, month = start.year + total // 12, total % 12 + 1
        # 31 January + 1 month is the last day of February, as periods are counted in law.
        return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))

    def before(self, end: date) -> date:
        """The calendar date this period before `end` (a look-back window's first day)."""
        if self.unit == "day":
            return end - timedelta(days=self.amount)
        if self.unit == "working_day":
            raise ValueError("working days are counted by xinyong.core.calendar")
        total = end.month - 1 - self.months()
        year, month = end.year + total // 12, total % 12 + 1
        return date(year, month, min(end.day, calendar.monthrange(year, month)[1]))

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            lambda value: value if isinstance(value, Duration) else cls.parse(str(value)),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )
