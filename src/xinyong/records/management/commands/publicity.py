"""`xinyong publicity expire [--date YYYY-MM-DD] [--json]`: record ended publicity (nightly).
`xinyong publicity recompute [--type CODE] [--json]`: publicity again under today's rules.

expire  Writes one audit event `xinyong.record.publicity_ended` for each record that was
        public and whose last public day is before the day (default today), unless
        already recorded for that end (`xinyong.records.publicity.expire`). Idempotent;
        a run after missed nights catches up. The portal never depends on it: a record
        leaves the public pages by its date alone (`xinyong.records.visibility`).
        stdout, human: one line with the counts.
        stdout, --json: {"day", "ended", "recorded", "already_recorded"}.
recompute  Works out each negative record's publicity (start, end, minimum end, withheld)
        again from its stored fields under the pack's rules, keeping a repair's early
        end (`xinyong.records.publicity.recompute`): run it after loading a pack whose
        publicity, leniency or minor rules changed. One audit event with the counts.
        stdout, --json: {"examined", "changed", "by_type": {code: changed}}.
Exit status 1 with a one-line message for a malformed date or an unknown record type.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinyong.core.audit import Actor
from xinyong.core.management.options import day_or_today
from xinyong.records.models import RecordType
from xinyong.records.publicity import expire, recompute


class Command(BaseCommand):
    help = "Nightly work on publicity periods (公示期限): record the publicity that ended."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        expiring = sub.add_parser("expire", help="record the records whose publicity ended")
        expiring.add_argument("--date", help="the day to run for, YYYY-MM-DD (default today)")
        expiring.add_argument("--json", action="store_true", help="print the counts as JSON")
        again = sub.add_parser("recompute", help="work out publicity again under today's rules")
        again.add_argument("--type", help="one record type's code (default: every negative type)")
        again.add_argument("--json", action="store_true", help="print the counts as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "recompute":
            self._recompute(options["type"], options["json"])
            return
        report = expire(day_or_today(options["date"]), Actor.cli())
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"{report.day.isoformat()}  公示期届满 ended: {report.ended}, "
            f"本次记录 recorded: {report.recorded}, "
            f"此前已记录 already recorded: {report.ended - report.recorded}"
        )

    def _recompute(self, type_code: str | None, as_json: bool) -> None:
        if type_code and not RecordType.objects.filter(code=type_code).exists():
            raise CommandError(
                f"没有代码为“{type_code}”的信用记录类型 / no record type {type_code!r}",
                returncode=1,
            )
        report = recompute(Actor.cli(), type_code)
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(f"已核对 examined: {report.examined}, 已更新 changed: {report.changed}")
