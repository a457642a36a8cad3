"""`xinyong evaluate --scheme KEY [--engine db|spark] [--date YYYY-MM-DD] [--json]`

Runs the pack's evaluation scheme over every subject of its kinds, on the platform's
database (default) or on Spark over a Parquet snapshot, and keeps the run (numbered per
scheme). Nightly: one line per scheme in cron. `--scheme all` runs every scheme in force.
stdout, human: one line per run with its grades, changes, digest and time.
stdout, --json: [{"scheme", "run", "engine", "on", "subjects", "grades", "changed",
"digest", "seconds"}].
Exit status 1 with a one-line message for an unknown scheme or engine, or a bad date.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinyong.core.audit import Actor
from xinyong.core.errors import XinyongError
from xinyong.core.management.options import day_or_today
from xinyong.evaluation.runs import evaluate
from xinyong.policy.rules import active_rules, in_force


class Command(BaseCommand):
    help = "Run a credit evaluation scheme (信用评价) and keep the run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scheme", required=True, help="the scheme's key, or all")
        parser.add_argument("--engine", default="db", choices=["db", "spark"])
        parser.add_argument("--date", help="the evaluation day, YYYY-MM-DD (default today)")
        parser.add_argument("--json", action="store_true", help="print the runs as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        day = day_or_today(options["date"])
        keys = [options["scheme"]]
        if options["scheme"] == "all":
            keys = [s.key for s in active_rules("evaluation_scheme") if in_force(s, day)]
        reports = []
        for key in keys:
            started = time.perf_counter()
            try:
                run = evaluate(key, actor=Actor.cli(), engine=options["engine"], today=day)
            except XinyongError as exc:
                raise CommandError(exc.bilingual()) from None
            reports.append(
                {
                    "scheme": run.scheme,
                    "run": run.number,
                    "engine": run.engine,
                    "on": run.on.isoformat(),
                    "subjects": run.subjects,
                    "grades": run.grades,
                    "changed": run.changed,
                    "digest": run.digest,
                    "seconds": round(time.perf_counter() - started, 2),
                }
            )
        if options["json"]:
            self.stdout.write(json.dumps(reports, ensure_ascii=False))
            return
        for report in reports:
            grades = " ".join(f"{k}:{v}" for k, v in sorted(report["grades"].items()))
            self.stdout.write(
                f"{report['scheme']} #{report['run']} ({report['engine']}, {report['on']}): "
                f"{report['subjects']} 主体 subjects, {grades}; 变化 changed {report['changed']}; "
                f"{report['digest'][:12]} in {report['seconds']} s"
            )
