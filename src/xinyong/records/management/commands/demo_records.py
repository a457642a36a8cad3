"""`xinyong demo-records --rows N --seed S`: the demo's penalties and list entries.

Run after `xinyong demo-data` with the same seed: the generated penalties belong to the
first demo subjects. Everything goes through the real paths: the penalty file through
the import pipeline (so about 1 % of rows land in quarantine, to be corrected in the
console), the entries through the due-process service, the over-limit case through the
import hook that runs the detection rules, an objection and a repair application through
the rights services, and the evaluation data (ratings, assessments, environmental
penalties: `evaluation.demo`) through the import again.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinyong.core import audit
from xinyong.core.errors import XinyongError
from xinyong.evaluation import demo as evaluation_demo
from xinyong.lists import demo as list_demo
from xinyong.records import demo
from xinyong.records.imports import find_record_type, import_file
from xinyong.rights import demo as rights_demo
from xinyong.subjects.services import find_unit

UNIT = "YN-GSJ"


class Command(BaseCommand):
    help = "Generate the demo's penalties (through the import) and list entries (演示记录)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=3000, help="penalty rows")
        parser.add_argument("--seed", type=int, default=1, help="the seed of demo-data")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = audit.Actor.cli()
        folder = settings.VAR_DIR / "demo"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"penalties-{options['seed']}-{options['rows']}.csv"
        try:
            demo.generate(path, options["rows"], options["seed"], log=lambda _m: None)
            result = import_file(path, find_record_type("penalty"), find_unit(UNIT), actor)
            overload = list_demo.import_overload_case(actor)
            entries = list_demo.load_entries(options["seed"], actor)
            cases = rights_demo.load_cases(actor)
            evaluation_data = evaluation_demo.load_evaluation_data(options["seed"], actor)
        except XinyongError as exc:
            raise CommandError(exc.bilingual()) from None
        self.stdout.write(
            f"处罚 / penalties: {result.accepted} 新增 new, {result.unchanged} 未变 unchanged, "
            f"{result.rejected} 拒收 rejected; 超限 / over-limit: {overload.accepted} 新增 new; "
            f"名单条目 / list entries: {entries} 新增 new; "
            f"异议与修复 / objections and repairs: {', '.join(cases) or '0 新增 new'}; "
            f"评价数据 / evaluation data: {sum(evaluation_data.values())} 新增 new"
        )
