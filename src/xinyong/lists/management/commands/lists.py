"""`xinyong lists detect [--date YYYY-MM-DD] [--json]`, `xinyong lists expire [--date …]`.

Both are meant for the nightly cron job (docs/operations.md); both are idempotent.

detect  Runs the pack's count-in-window detection rules for every subject on the day
        (default today): a subject over a rule's threshold gets a proposal on the rule's
        list, which waits for an operator (`xinyong.lists.detection`).
        stdout, human: one line per rule with its counts, then the new proposals.
        stdout, --json: {"day", "batch": null, "proposed", "rules": [{"rule", "list",
            "examined", "over_threshold", "proposed", "already_open",
            "already_decided", "refused": {code: count}, "entries": [reference]}]}.
expire  Writes into the history the expiry of the entries whose term ended before the
        day (`xinyong.lists.entries.expire_due`); readers never wait for it.
        stdout: the number of entries expired.
Exit status 1 with a one-line message for a malformed date.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.core.audit import Actor
from xinyong.core.management.options import day_or_today
from xinyong.lists import entries
from xinyong.lists.detection import DetectionReport, run_detection


class Command(BaseCommand):
    help = "Nightly work on the lists (名单): detection rules and expiries."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        detect = sub.add_parser("detect", help="run the detection rules (proposals only)")
        detect.add_argument("--date", help="the day to run for, YYYY-MM-DD (default today)")
        detect.add_argument("--json", action="store_true", help="print the report as JSON")
        expire = sub.add_parser("expire", help="record the expiry of entries past their term")
        expire.add_argument("--date", help="the day to run for, YYYY-MM-DD (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = day_or_today(options["date"])
        if options["action"] == "expire":
            count = entries.expire_due(day, Actor.cli())
            self.stdout.write(f"已到期移出 / expired: {count}")
            return
        report = run_detection(day, Actor.cli())
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            self._summary(report)

    def _summary(self, report: DetectionReport) -> None:
        self.stdout.write(f"{report.day.isoformat()}  提出 / proposed: {report.proposed}")
        if not report.rules:
            self.stdout.write("没有生效的发现规则 / no detection rule in force")
        for outcome in report.rules:
            refused = sum(outcome.refused.values())
            self.stdout.write(
                f"{outcome.rule} → {outcome.list_code}: 检查 examined {outcome.examined}, "
                f"超过阈值 over {outcome.over_threshold}, 提出 proposed {outcome.proposed}, "
                f"已有条目 open {outcome.already_open}, "
                f"已决定 decided {outcome.already_decided}, 不能列入 refused {refused}"
            )
            for reference in outcome.entries:
                self.stdout.write(f"  {reference}")
