"""A record's publication deadline and publicity window, from the pack's rules."""

from __future__ import annotations

from datetime import date, timedelta

from xinyong.core.calendar import WorkCalendar
from xinyong.policy import schema
from xinyong.policy.durations import Duration
from xinyong.policy.rules import active_rules, in_force


class RecordDeadlines:
    """The rules that apply to one record type, loaded once for a whole import."""

    def __init__(self, record_type_code: str, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self.timeliness = [
            r for r in active_rules("timeliness") if record_type_code in r.applies_to
        ]
        self.publicity = [
            r for r in active_rules("publicity_period") if record_type_code in r.applies_to
        ]

    def publication_deadline(self, decided: date) -> date | None:
        """Decision date + the timeliness period (7 working days in Yunnan)."""
        for rule in self.timeliness:
            assert isinstance(rule, schema.TimelinessRule)
            if in_force(rule, decided):
                return self._after(decided, rule.within)
        return None

    def publicity_window(
        self, decided: date, severity: str = "general"
    ) -> tuple[date, date] | None:
        """First and last day public under the rule in force on the decision date.

        The window runs from the decision date through the day before the maximum period
        ends: a 3-year period from 2024-01-15 is public through 2027-01-14.
        """
        for rule in self.publicity:
            assert isinstance(rule, schema.PublicityPeriodRule)
            if not in_force(rule, decided):
                continue
            tiers = [t for t in rule.tiers if t.severity in (severity, "any")]
            if tiers:
                longest = max(tiers, key=lambda tier: tier.maximum.months())
                return decided, longest.maximum.after(decided) - timedelta(days=1)
        return None

    def _after(self, start: date, period: Duration) -> date:
        if period.unit == "working_day":
            return self.calendar.add_workdays(start, period.amount)
        return period.after(start)
