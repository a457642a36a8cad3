"""`xinyong overdue [--date YYYY-MM-DD] [--json]`: what is overdue, by unit (daily).

Campaign tasks, complaints, rectification items, objections and repair applications
whose current deadline has passed on the day (default today).
stdout, human: one block per unit, one line per item, then a total.
stdout, --json: {"day", "total", "items": [{"kind", "reference", "unit", "unit_name",
"due_on", "title"}]}.
Exit status 1 with a one-line message for a malformed date.
"""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.core.management.options import day_or_today
from xinyong.supervision.overdue import overdue

KINDS = {
    "task": "工作任务",
    "complaint": "举报投诉",
    "rectification": "整改事项",
    "objection": "异议",
    "repair": "信用修复",
}


class Command(BaseCommand):
    help = "List what is overdue (超期事项), by the unit that owes it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to run for, YYYY-MM-DD (default today)")
        parser.add_argument("--json", action="store_true", help="print the items as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        day = day_or_today(options["date"])
        items = overdue(day)
        if options["json"]:
            body = {
                "day": day.isoformat(),
                "total": len(items),
                "items": [item.as_dict() for item in items],
            }
            self.stdout.write(json.dumps(body, ensure_ascii=False))
            return
        for (code, name), rows in groupby(items, key=lambda item: (item.unit, item.unit_name)):
            self.stdout.write(f"{name} ({code})")
            for item in rows:
                kind = KINDS[item.kind]
                self.stdout.write(f"  {item.due_on}  {kind} {item.reference}  {item.title}")
        self.stdout.write(f"{day.isoformat()}  超期事项 overdue: {len(items)}")
