"""`xinyong check CODE [CODE …] --scene S --purpose P --unit UNIT [--json]` (联合奖惩核查).

Each CODE is a USCC or a resident ID number (15 digits, or 18 characters that form a
valid ID number; anything else is taken as a USCC). The check is made for UNIT as the command-line
user, stored under a receipt and audited like an API check (`xinyong.lists.checks`).

stdout, default: a summary in Chinese: the receipt, then per subject its match, the
entries in force, the measures with their basis, implementing units and grounds, and
the incentives. An ID number is only ever shown masked.
stdout, --json: what `POST /api/v1/checks` answers. A refused check (unknown scene or
unit, no purpose) exits with status 1: the code and the message in Chinese and English
(with --json also {"error": {...}} on stdout).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.commands.check import Command as SystemCheck
from django.utils import timezone

from xinyong.core.audit import Actor
from xinyong.core.errors import XinyongError
from xinyong.lists.api_checks import answer_json
from xinyong.lists.checks import CheckOutcome, SubjectQuery, run_check
from xinyong.subjects.identifiers import IdentifierError, check_id_number, normalize
from xinyong.subjects.services import find_unit

KIND_LABELS = {"red": "红名单", "black": "黑名单", "watch": "重点关注名单"}
MEASURE_KINDS = {"incentive": "激励", "punishment": "惩戒"}
MATCH_LABELS = {"uscc": "按统一社会信用代码", "id_number": "按身份证号码", "name": "按名称"}


def query_for(code: str) -> SubjectQuery:
    """A USCC or an ID number. Digits with a final digit or X may be either: a valid ID
    number (birth date, region, check character) is taken as one, anything else as a
    USCC (whose errors the check then reports)."""
    text = normalize(code)
    if len(text) == 15 and text.isdigit():
        return SubjectQuery(id_number=text)
    if len(text) == 18 and text[:17].isdigit() and (text[17].isdigit() or text[17] == "X"):
        try:
            check_id_number(text)
        except IdentifierError:
            return SubjectQuery(uscc=code)
        return SubjectQuery(id_number=text)
    return SubjectQuery(uscc=code)


class Command(BaseCommand):
    help = "Check subjects for joint reward and punishment in a business scene (联合奖惩核查)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "codes",
            nargs="*",
            metavar="CODE",
            help="USCC or ID number; without any, Django's system checks run",
        )
        parser.add_argument("--scene", help="scene code, e.g. government-procurement")
        parser.add_argument("--purpose", help="why the check is made (核查用途)")
        parser.add_argument("--unit", help="the checking unit's code")
        parser.add_argument("--json", action="store_true", help="print the API's JSON answer")

    def handle(self, *args: Any, **options: Any) -> None:
        # This command takes Django's name `check`; without codes it is still the system
        # check that operations run (`xinyong check`, see docs/operations.md).
        if not options["codes"]:
            call_command(SystemCheck(), stdout=self.stdout._out, stderr=self.stderr._out)
            return
        missing = [name for name in ("scene", "purpose", "unit") if not options[name]]
        if missing:
            raise CommandError(
                "缺少参数 / missing: " + ", ".join(f"--{name}" for name in missing), returncode=2
            )
        try:
            unit = find_unit(options["unit"])
            outcome = run_check(
                [query_for(code) for code in options["codes"]],
                scene_code=options["scene"],
                purpose=options["purpose"],
                actor=Actor(Actor.cli().label, unit.code),
                unit=unit,
            )
        except XinyongError as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"error": exc.as_dict()}, ensure_ascii=False))
            raise CommandError(f"{exc.code}: {exc.bilingual()}", returncode=1) from None
        if options["json"]:
            body = answer_json(outcome.receipt, outcome.results_json, options["scene"], unit.code)
            self.stdout.write(body.decode("utf-8"))
        else:
            self._summary(outcome, options["scene"])

    def _summary(self, outcome: CheckOutcome, scene: str) -> None:
        out = self.stdout.write
        receipt = outcome.receipt
        out(f"核查回执 {receipt.reference}")
        out(f"核查时间 {timezone.localtime(receipt.created_at):%Y-%m-%d %H:%M:%S}")
        out(f"应用场景 {receipt.scene.name}（{scene}）  核查用途 {receipt.purpose}")
        out(f"数据版本 {receipt.data_version}")
        out(
            f"共核查 {receipt.subject_count} 个主体：匹配 {receipt.matched_count} 个，"
            f"在名单 {receipt.listed_count} 个"
        )
        for result in outcome.results:
            out("")
            for line in _subject_lines(result):
                out(line)


def _subject_lines(result: dict[str, Any]) -> list[str]:
    query = result["query"]
    asked = query.get("uscc") or query.get("id_number") or query.get("name", "")
    head = f"[{result['index'] + 1}] {asked}"
    subject = result["subject"]
    if subject is None:
        lines = [f"{head}  未找到匹配主体"]
        if "error" in result:
            lines.append(f"    {result['error']['message']}（{result['error']['code']}）")
        for candidate in result["candidates"]:
            lines.append(
                f"    候选（未确认）{candidate['name']} {candidate['code']} "
                f"相似度 {candidate['score']:.2f}"
            )
        return lines
    lines = [
        f"{head}  {subject['name']} {subject['code']}（{MATCH_LABELS[result['matched_by']]}匹配）"
    ]
    if not result["entries"]:
        lines.append("    不在任何名单中")
    for entry in result["entries"]:
        until = entry["ends_on"] or "符合移出条件时"
        lines.append(
            f"    {KIND_LABELS.get(entry['list_kind'], '')}：{entry['list_name']} "
            f"{entry['reference']}  {entry['starts_on']} 至 {until}  "
            f"{entry['unit']} {entry['document_number']}".rstrip()
        )
    if result["entries"] and not result["measures"]:
        lines.append("    本场景没有适用的奖惩措施")
    for measure in result["measures"]:
        lines.append(f"    措施（{MEASURE_KINDS[measure['kind']]}）：{measure['name']}")
        lines.append(f"      依据：{_basis(measure['basis'])}")
        units = "各有关部门按职责实施" if measure["all_units"] else "、".join(measure["units"])
        if measure["all_units"] and measure["units"]:
            units = f"{'、'.join(measure['units'])}等，各有关部门按职责实施"
        lines.append(f"      实施单位：{units}")
        for ground in measure["grounds"]:
            lines.append(
                f"      理由：名单条目 {ground['entry']}；{ground['memorandum_name']}"
                f"{' ' + ground['section'] if ground['section'] else ''}"
            )
    for incentive in result["incentives"]:
        lines.append(f"    激励：{incentive['name']}（依据：{_basis(incentive['basis'])}）")
        lines.append(f"      理由：{incentive['why']}")
    return lines


def _basis(basis: dict[str, str]) -> str:
    parts = [basis["title"], basis["document_number"], basis["section"]]
    return " ".join(part for part in parts if part)
