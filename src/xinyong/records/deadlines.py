"""A record's publication deadline and publicity period, from the pack's rules.

Publicity of a negative record (the `publicity_period`, `lenient_publicity` and
`minor_records` rules in force on its decision date):

- Each penalty kind of the decision (the lenient rule's `kinds_field`, CF_CFLB, several
  joined by 、，,;； or spaces) gets a period: the lenient rule's, when the kind is listed
  there (a fine only up to `fine_at_most`; a missing or unreadable fine is not lenient),
  else the publicity rule's tier for the record's severity.
- The decision takes the longest maximum and the longest minimum of its kinds
  (`several_kinds: longest`). A special minimum (a domain recognised by words in a
  field, e.g. CF_YJ citing 《消防法》) raises the minimum, and the maximum to at least
  the minimum.
- A decision whose every kind is lenient with `public: false` is withheld ("lenient"):
  it has no period at all.
- Periods count from the decision date; the last public day is the day before the
  period ends (3 years from 2024-01-15: public through 2027-01-14); the minimum end is
  likewise the last day of the minimum period.

A record about a natural person under the `minor_records` age on the decision date is
withheld ("minor") whatever its type: `is_minor` says so from the ID number.

An import asks about tens of thousands of rows a second: `facts` reduces a row to its
decision date and a numbered `Plan` (the undated periods its kinds get, worked out once
per distinct combination of kinds and conditions), so that the importer dates a plan
(`publicity_of`) once per distinct key, not per row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from xinyong.core.calendar import WorkCalendar
from xinyong.policy import schema
from xinyong.policy.durations import Duration
from xinyong.policy.rules import active_rules, in_force
from xinyong.subjects.identifiers import birth_date

KIND_SEPARATORS = re.compile(r"[、，,;；\s]+")
LENIENT = "lenient"
GENERAL, SERIOUS = "general", "serious"
Period = tuple[Duration, Duration]  # (minimum, maximum)
MINOR = "minor"


@dataclass(frozen=True, slots=True)
class Publicity:
    """When a record is public: first and last public day, last day of the minimum
    period, and why it is never public ("" when it may be)."""

    start: date | None = None
    end: date | None = None
    minimum_end: date | None = None
    withheld: str = ""


NO_PERIOD = Publicity()


class Facts(NamedTuple):
    """What a record's publicity depends on, as a hashable key: equal facts, equal
    publicity. `plan` numbers the periods its kinds get under the rules in force
    (`RecordDeadlines.plan`): an import meets a handful of plans, so a decision date and
    a small number make the key. (A named tuple: made and hashed once per row.)"""

    decided: date
    plan: int


@dataclass(frozen=True, slots=True)
class Plan:
    """The periods of a decision before they are dated: every published kind's minimum
    and maximum, and the special minimums it meets; `withheld` when no kind is published;
    nothing at all when no publicity rule or tier applies."""

    minimums: tuple[Duration, ...] = ()
    maximums: tuple[Duration, ...] = ()
    withheld: bool = False


@dataclass(frozen=True, slots=True)
class _Regime:
    """The rules in force on one decision date; `key` names the pair."""

    publicity: schema.PublicityPeriodRule | None
    lenient: schema.LenientPublicityRule | None

    @property
    def key(self) -> tuple[str, str]:
        return (
            self.publicity.key if self.publicity else "",
            self.lenient.key if self.lenient else "",
        )


def age_on(born: date, day: date) -> int:
    """Completed years (周岁) on `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def kinds_of(text: str) -> list[str]:
    return [kind for kind in KIND_SEPARATORS.split(text) if kind]


def _fine_at_most(values: Mapping[str, str], kinds: schema.LenientKinds) -> bool:
    if kinds.fine_at_most is None:
        return True
    try:
        return float(values[kinds.fine_field]) <= kinds.fine_at_most
    except (KeyError, ValueError):
        return False  # no fine, or not a number: not shown to be small


def _lenient_entry(
    rule: schema.LenientPublicityRule, qualifies: tuple[bool, ...], kind: str
) -> schema.LenientKinds | None:
    """The rule's lenient entry for this penalty kind, if the row qualifies for it."""
    for entry, ok in zip(rule.lenient, qualifies, strict=True):
        if ok and kind in entry.categories:
            return entry
    return None


def _matches(values: Mapping[str, str], special: schema.SpecialMinimum) -> bool:
    for match in special.match:
        text = values.get(match.field, "")
        if text and any(word in text for word in match.contains):
            return True
    return False


def _plan(
    regime: _Regime,
    severity: str,
    kinds_text: str,
    lenient_ok: tuple[bool, ...],
    special: tuple[bool, ...],
) -> Plan:
    """Each kind's period (lenient or the tier), then the special minimums it meets."""
    rule, lenient = regime.publicity, regime.lenient
    if rule is None:
        return Plan()
    tiers = [t for t in rule.tiers if t.severity in (severity, "any")]
    if not tiers:
        return Plan()
    periods: list[Period] = []
    kinds = kinds_of(kinds_text) if lenient is not None else []
    for kind in kinds or [""]:
        entry = None if lenient is None else _lenient_entry(lenient, lenient_ok, kind)
        if entry is None:
            periods.extend((t.minimum, t.maximum) for t in tiers)
        elif entry.public:
            assert entry.minimum is not None and entry.maximum is not None
            periods.append((entry.minimum, entry.maximum))
    if not periods:
        return Plan(withheld=True)
    matched = zip(rule.special_minimums, special, strict=True)
    minimums = [low for low, _ in periods] + [s.minimum for s, ok in matched if ok]
    return Plan(minimums=_longest(minimums), maximums=_longest([high for _, high in periods]))


def _longest(periods: list[Duration]) -> tuple[Duration, ...]:
    """The longest of periods in months and years (one to date, and equal plans compare
    equal); periods in days or working days are kept, each once, to be dated."""
    if all(period.unit in ("month", "year") for period in periods):
        return (max(periods, key=Duration.months),)
    return tuple(sorted(set(periods), key=str))


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
        self.lenient = [
            r for r in active_rules("lenient_publicity") if record_type_code in r.applies_to
        ]
        self.minors: list[schema.MinorRecordsRule] = active_rules("minor_records")
        self.severities = [r for r in active_rules("severity") if record_type_code in r.applies_to]
        self._regimes: dict[date, _Regime] = {}
        self._plans: list[Plan] = []
        self._plan_numbers: dict[tuple[object, ...], int] = {}

    def publication_deadline(self, decided: date) -> date | None:
        """Decision date + the timeliness period (7 working days in Yunnan)."""
        for rule in self.timeliness:
            assert isinstance(rule, schema.TimelinessRule)
            if in_force(rule, decided):
                return self._after(decided, rule.within)
        return None

    # --- severity -------------------------------------------------------------------------
    def severity_of(self, decided: date, values: Mapping[str, str]) -> str:
        """ "serious" when the severity rule in force on the decision date says so (a
        serious penalty kind, or a fine at its threshold), else "general"."""
        rule = next((r for r in self.severities if in_force(r, decided)), None)
        if rule is None:
            return GENERAL
        kinds = values.get(rule.kinds_field, "")
        if kinds and any(kind in rule.serious_kinds for kind in kinds_of(kinds)):
            return SERIOUS
        if rule.fine_at_least is not None:
            try:
                if float(values[rule.fine_field]) >= rule.fine_at_least:
                    return SERIOUS
            except (KeyError, ValueError):
                pass  # no fine, or not a number: not shown to be large
        return GENERAL

    # --- publicity ------------------------------------------------------------------------
    def facts(self, decided: date, values: Mapping[str, str], severity: str | None = None) -> Facts:
        """The key of a row's publicity: a few look-ups and substring tests per row, the
        plan worked out once per distinct combination of kinds and conditions. The
        severity is the pack's (`severity_of`) unless given."""
        if severity is None:
            severity = self.severity_of(decided, values)
        regime = self._regime(decided)
        kinds = ""
        lenient: tuple[bool, ...] = ()
        special: tuple[bool, ...] = ()
        if regime.lenient is not None:
            kinds = values.get(regime.lenient.kinds_field, "")
            lenient = tuple(_fine_at_most(values, entry) for entry in regime.lenient.lenient)
        if regime.publicity is not None:
            special = tuple(_matches(values, s) for s in regime.publicity.special_minimums)
        key = (regime.key, severity, kinds, lenient, special)
        number = self._plan_numbers.get(key)
        if number is None:
            number = self._plan_numbers[key] = self._number(
                _plan(regime, severity, kinds, lenient, special)
            )
        return Facts(decided, number)

    def _number(self, plan: Plan) -> int:
        """Equal plans, one number: 罚款 and 罚款、没收违法所得 date alike."""
        if plan not in self._plans:
            self._plans.append(plan)
        return self._plans.index(plan)

    def plan(self, facts: Facts) -> Plan:
        return self._plans[facts.plan]

    def publicity_of(self, facts: Facts) -> Publicity:
        """The publicity of a negative record with these facts (see the module)."""
        plan, decided = self._plans[facts.plan], facts.decided
        if plan.withheld:
            return Publicity(withheld=LENIENT)
        if not plan.maximums:
            return NO_PERIOD
        minimum = max(self._after(decided, period) for period in plan.minimums)
        maximum = max(minimum, *(self._after(decided, period) for period in plan.maximums))
        return Publicity(decided, maximum - timedelta(days=1), minimum - timedelta(days=1))

    def publicity_for(
        self, decided: date, values: Mapping[str, str], severity: str | None = None
    ) -> Publicity:
        """`publicity_of(facts(...))`: for one record; an import caches by the facts."""
        return self.publicity_of(self.facts(decided, values, severity))

    def publicity_window(
        self, decided: date, severity: str = "general"
    ) -> tuple[date, date] | None:
        """First and last public day of a decision of the rule's tier alone (no kinds)."""
        publicity = self.publicity_for(decided, {}, severity)
        if publicity.start is None or publicity.end is None:
            return None
        return publicity.start, publicity.end

    def is_minor(self, id_number: str, decided: date) -> bool:
        """Whether the person of this (checked) ID number was under the minor rule's age
        on the decision date: such a record is never public."""
        for rule in self.minors:
            if in_force(rule, decided):
                return age_on(birth_date(id_number), decided) < rule.minimum_age
        return False

    def _regime(self, decided: date) -> _Regime:
        regime = self._regimes.get(decided)
        if regime is None:
            publicity = next((r for r in self.publicity if in_force(r, decided)), None)
            lenient = next((r for r in self.lenient if in_force(r, decided)), None)
            regime = self._regimes[decided] = _Regime(publicity, lenient)
        return regime

    def _after(self, start: date, period: Duration) -> date:
        if period.unit == "working_day":
            return self.calendar.add_workdays(start, period.amount)
        return period.after(start)
