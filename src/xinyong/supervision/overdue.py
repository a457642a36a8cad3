"""What is overdue, across every procedure with deadlines, by the unit that owes it.

One row per item: campaign tasks, complaints, rectification items, objections and
repair applications whose current deadline has passed. The daily `xinyong overdue`
command prints them; the dashboard counts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from xinyong.campaigns import tasks
from xinyong.complaints import complaints
from xinyong.rights import objections, repairs
from xinyong.supervision import rectifications


@dataclass(frozen=True)
class Overdue:
    kind: str  # task | complaint | rectification | objection | repair
    reference: str
    unit: str  # the unit's code
    unit_name: str
    due_on: date
    title: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"due_on": self.due_on.isoformat()}


def overdue(today: date) -> list[Overdue]:
    """Everything overdue on `today`, by unit, oldest deadline first."""
    rows = [*_tasks(today), *_complaints(today), *_rectifications(today), *_rights(today)]
    return sorted(rows, key=lambda row: (row.unit, row.due_on, row.kind, row.reference))


def _tasks(today: date) -> Iterator[Overdue]:
    for task in tasks.overdue(today).select_related("campaign", "owner"):
        yield Overdue(
            "task",
            str(task.pk),
            task.owner.code,
            task.owner.name,
            task.due_on,
            f"{task.campaign.number}. {task.title}",
        )


def _complaints(today: date) -> Iterator[Overdue]:
    for item in complaints.overdue(today).select_related("unit", "campaign"):
        assert item.due_on is not None
        yield Overdue(
            "complaint",
            item.reference,
            item.unit.code,
            item.unit.name,
            item.due_on,
            f"{item.get_status_display()}：{item.campaign.name} {item.subject_name}",
        )


def _rectifications(today: date) -> Iterator[Overdue]:
    for item in rectifications.overdue(today).select_related("unit"):
        yield Overdue(
            "rectification",
            str(item.pk),
            item.unit.code,
            item.unit.name,
            item.due_on,
            f"{item.get_kind_display()}：{item.reason[:40]}",
        )


def _rights(today: date) -> Iterator[Overdue]:
    for objection in objections.overdue(today).select_related("unit"):
        assert objection.due_on is not None
        yield Overdue(
            "objection",
            objection.reference,
            objection.unit.code,
            objection.unit.name,
            objection.due_on,
            str(objection.get_status_display()),
        )
    for application in repairs.overdue(today).select_related("unit"):
        assert application.due_on is not None
        yield Overdue(
            "repair",
            application.reference,
            application.unit.code,
            application.unit.name,
            application.due_on,
            str(application.get_status_display()),
        )
