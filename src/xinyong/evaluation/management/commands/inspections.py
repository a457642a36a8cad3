"""`xinyong inspections draw|show|results` (双随机、一公开: random inspections by grade).

draw --unit CODE --scheme KEY [--seed S] --inspectors "张三,李四" [--date D] [--json]
  Draws the unit's supervised subjects for inspection with the pack's share per grade
  of the scheme's latest finished run (`xinyong.evaluation.inspections`), assigns the
  inspectors at random and keeps the draw under a reference (CC…). Without --seed a
  fresh seed is drawn and printed; the same seed, population and run give the same
  sample. stdout, human: the reference, the seed, the run, the population and its digest,
  then one line per grade: population, drawn, share. --json: that as an object.
show REF [--json]
  The draw and its items: position, subject name, code (an ID number only masked),
  grade, inspector and the inspection result record once linked.
results [REF …] [--json]
  Links the inspection results that came back (`inspection-result` records) to the
  items of the given draws, or of every draw with items still waiting. One line per draw.

Exit status 1 with the code and a one-line message in Chinese and English on bad input
(unknown unit, scheme or draw, no finished run, no inspectors, empty population); with
--json also {"error": {...}} on stdout.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinyong.core.audit import Actor
from xinyong.core.errors import XinyongError
from xinyong.core.management.options import day_or_today
from xinyong.evaluation.inspections import draw, find_draw, record_results, summary
from xinyong.evaluation.models import InspectionDraw
from xinyong.subjects.services import find_unit


class Command(BaseCommand):
    help = "Draw subjects for random inspection by credit grade, and show draws (双随机抽查)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        drawing = sub.add_parser("draw", help="draw a unit's subjects for inspection")
        drawing.add_argument("--unit", required=True, help="the supervising unit's code")
        drawing.add_argument("--scheme", required=True, help="the evaluation scheme's key")
        drawing.add_argument("--seed", help="the random seed (default: a fresh one)")
        drawing.add_argument(
            "--inspectors", required=True, help="inspectors, comma-separated: 张三,李四"
        )
        drawing.add_argument("--date", help="the draw day, YYYY-MM-DD (default today)")
        drawing.add_argument("--json", action="store_true", help="print the draw as JSON")
        showing = sub.add_parser("show", help="a draw and its items")
        showing.add_argument("reference", help="the draw's reference (抽查编号, CC…)")
        showing.add_argument("--json", action="store_true", help="print JSON")
        linking = sub.add_parser("results", help="link the inspection results that came back")
        linking.add_argument("references", nargs="*", metavar="REF", help="draws (default all)")
        linking.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except XinyongError as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"error": exc.as_dict()}, ensure_ascii=False))
            raise CommandError(f"{exc.code}: {exc.bilingual()}", returncode=1) from None

    def _draw(self, options: dict[str, Any]) -> None:
        day = day_or_today(options["date"])
        unit = find_unit(options["unit"])
        made = draw(
            unit,
            scheme=options["scheme"],
            seed=options["seed"],
            inspectors=options["inspectors"].replace("，", ",").split(","),
            actor=Actor(Actor.cli().label, unit.code),
            today=day,
        )
        report = summary(made)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        self._head(report)

    def _head(self, report: dict[str, Any]) -> None:
        out = self.stdout.write
        out(f"随机抽查 / draw {report['reference']}  {report['unit']}  {report['on']}")
        out(f"随机种子 / seed {report['seed']}")
        out(f"评价批次 / run {report['scheme']} #{report['run']}")
        out(
            f"抽查范围 / population {report['population']} "
            f"(未评价 / unrated {report['unrated']})  {report['population_digest']}"
        )
        out(f"检查人员 / inspectors {'、'.join(report['inspectors'])}")
        for grade in report["grades"]:
            out(
                f"  {grade['grade']} {grade['name']}\t{grade['drawn']} / {grade['population']}"
                f"\t比例 / share {grade['ratio']:.0%}"
            )

    def _show(self, options: dict[str, Any]) -> None:
        found = find_draw(options["reference"])
        items = [
            {
                "position": item.position,
                "subject": item.subject.name,
                "code": item.subject.display_code,
                "grade": item.grade,
                "inspector": item.inspector,
                "result": item.result_record.document_number if item.result_record else None,
                "result_on": (
                    item.result_record.decision_date.isoformat() if item.result_record else None
                ),
            }
            for item in found.items.select_related("subject", "result_record")
        ]
        report = summary(found)
        if options["json"]:
            self.stdout.write(json.dumps({**report, "items": items}, ensure_ascii=False))
            return
        self._head(report)
        self.stdout.write(
            "序号 no\t主体 subject\t代码 code\t等级 grade\t检查人员 inspector\t结果 result"
        )
        for item in items:
            result = f"{item['result']} {item['result_on']}" if item["result"] else "—"
            self.stdout.write(
                f"{item['position']}\t{item['subject']}\t{item['code']}\t{item['grade']}"
                f"\t{item['inspector']}\t{result}"
            )

    def _results(self, options: dict[str, Any]) -> None:
        if options["references"]:
            draws = [find_draw(ref) for ref in options["references"]]
        else:
            waiting = InspectionDraw.objects.filter(items__result_record__isnull=True)
            draws = list(waiting.distinct().order_by("drawn_at"))
        actor = Actor.cli()
        linked = {made.reference: record_results(made, actor=actor) for made in draws}
        if options["json"]:
            self.stdout.write(json.dumps(linked, ensure_ascii=False))
            return
        for reference, count in linked.items():
            self.stdout.write(f"{reference}\t关联检查结果 / linked {count}")
