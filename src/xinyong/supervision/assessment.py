"""The quarterly assessment of units (督查考核, 六、4) by the pack's rubric.

Each rubric item names a measure computed here for a unit over the quarter, as a share
of "done as required" over "due" (a unit with nothing due under an item gets full
marks for it: it cannot be faulted for work it was not given). Points are the share
times the item's points; the grade is the first whose threshold the total reaches.

- tasks_on_time: campaign tasks the unit owns, due in the quarter (and by today): done
  on or before the deadline.
- complaints_on_time: complaints the unit answered in the quarter, plus those with it
  now overdue whose deadline fell in the quarter: answered with no step late.
- records_on_time: 双公示 records of decisions in the quarter: received by their
  publication deadline (the timeliness rule).
- rectifications_closed: rectification items due in the quarter (and by today): closed
  by their deadline.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.campaigns.models import CampaignUnit
from xinyong.campaigns.tasks import on_time_share
from xinyong.complaints.models import Complaint
from xinyong.core.errors import InvalidInput
from xinyong.policy import schema
from xinyong.policy.rules import active_rules, in_force
from xinyong.records import timeliness
from xinyong.subjects.models import Unit
from xinyong.supervision.models import Rectification


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = re.fullmatch(r"(\d{4})[Qq]([1-4])", (text or "").strip())
        if match is None:
            raise InvalidInput("assessment.quarter", _("季度应写作“2026Q4”的形式"), field="quarter")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


@dataclass(frozen=True)
class Share:
    done: int
    due: int

    @property
    def value(self) -> float:
        return 1.0 if self.due == 0 else self.done / self.due


@dataclass(frozen=True)
class ItemScore:
    item: schema.AssessmentItem
    share: Share

    @property
    def points(self) -> float:
        return round(self.item.points * self.share.value, 1)


@dataclass(frozen=True)
class UnitScore:
    unit: Unit
    items: tuple[ItemScore, ...]
    grade: str

    @property
    def total(self) -> float:
        return round(sum(item.points for item in self.items), 1)


def rubric(day: date) -> schema.UnitAssessmentRule:
    for rule in active_rules("unit_assessment"):
        if in_force(rule, day):
            found: schema.UnitAssessmentRule = rule
            return found
    raise InvalidInput(
        "assessment.no_rule",
        _("政策包没有在%(day)s有效的考核规则"),
        params={"day": day.isoformat()},
    )


def assess(quarter: Quarter, today: date | None = None) -> list[UnitScore]:
    """Every unit with something due in the quarter, best first."""
    today = today or timezone.localdate()
    rule = rubric(min(quarter.last, today))
    until = min(quarter.last, today)
    records = records_on_time(quarter)  # one pass over every unit's figures
    measures: dict[str, Callable[[Unit], Share]] = {
        "tasks_on_time": lambda unit: tasks_on_time(unit, quarter.first, until),
        "complaints_on_time": lambda unit: complaints_on_time(unit, quarter.first, until),
        "records_on_time": lambda unit: records.get(unit.code, Share(0, 0)),
        "rectifications_closed": lambda unit: rectifications_closed(unit, quarter.first, until),
    }
    scores = []
    for unit in units_to_assess(quarter.first, until, reported=set(records)):
        items = tuple(ItemScore(item, measures[item.measure](unit)) for item in rule.items)
        total = sum(item.points for item in items)
        grade = next(g.name for g in rule.grades if total >= g.at_least)
        scores.append(UnitScore(unit, items, grade))
    return sorted(scores, key=lambda score: (-score.total, score.unit.code))


def units_to_assess(first: date, until: date, reported: set[str]) -> list[Unit]:
    """The campaigns' lead units, and every unit that had complaints, rectification items
    or records (`reported`: unit codes) to answer for in the period."""
    pks = set(
        CampaignUnit.objects.filter(role=CampaignUnit.Role.LEAD).values_list("unit_id", flat=True)
    )
    pks |= set(
        Complaint.objects.filter(filed_at__date__lte=until).values_list("unit_id", flat=True)
    )
    pks |= set(
        Rectification.objects.filter(due_on__range=(first, until)).values_list("unit_id", flat=True)
    )
    return list(Unit.objects.filter(Q(pk__in=pks) | Q(code__in=reported)).order_by("code"))


def tasks_on_time(unit: Unit, first: date, until: date) -> Share:
    done, due = on_time_share(unit, first, until)
    return Share(done, due)


def complaints_on_time(unit: Unit, first: date, until: date) -> Share:
    mine = Complaint.objects.filter(unit=unit)
    answered = mine.filter(replied_on__range=(first, until))
    overdue = mine.filter(status__in=Complaint.OPEN, due_on__range=(first, until), due_on__lt=until)
    return Share(answered.filter(late=False).count(), answered.count() + overdue.count())


def records_on_time(quarter: Quarter) -> dict[str, Share]:
    """Unit code → its records of decisions in the quarter received on time."""
    months = {f"{quarter.year:04d}-{3 * quarter.number - offset:02d}" for offset in (2, 1, 0)}
    on_time: Counter[str] = Counter()
    due: Counter[str] = Counter()
    for figures in timeliness.monthly():
        if figures.month in months:
            on_time[figures.unit] += figures.on_time
            due[figures.unit] += figures.total
    return {code: Share(on_time[code], due[code]) for code in due}


def rectifications_closed(unit: Unit, first: date, until: date) -> Share:
    due = Rectification.objects.filter(unit=unit, due_on__range=(first, until))
    closed = due.filter(status=Rectification.Status.CLOSED, closed_on__lte=F("due_on"))
    return Share(closed.count(), due.count())
