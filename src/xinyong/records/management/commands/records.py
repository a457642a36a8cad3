"""`xinyong records list --subject CODE [--json]`: a subject's records and their versions.

CODE is a USCC or a resident ID number. `--json` prints what
`GET /api/v1/subjects/{code}/records` returns; without it, a table. A person's ID
number is only ever shown masked (the stored payload holds it masked).
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from rich import box
from rich.console import Console
from rich.table import Table

from xinyong.core.errors import XinyongError
from xinyong.records.api import RecordOut, SubjectRecordsOut, subject_records

STATUS_LABELS = {"normal": "正常 normal", "revoked": "撤销 revoked", "disputed": "异议 disputed"}
KIND_LABELS = {
    "organisation": "法人及非法人组织 organisation",
    "individual_business": "个体工商户 individual business",
    "person": "自然人 person",
}
TABLE_WIDTH = 160


class Command(BaseCommand):
    help = "Show credit records (信用记录)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="a subject's records with their versions")
        listing.add_argument(
            "--subject", required=True, help="the subject's USCC or resident ID number"
        )
        listing.add_argument("--json", action="store_true", help="print JSON (as the API)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            found = subject_records(options["subject"])
        except XinyongError as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"error": exc.as_dict()}, ensure_ascii=False))
            raise CommandError(f"{exc.code}: {exc.bilingual()}", returncode=1) from None
        if options["json"]:
            # The encoder the API uses, so both print the same text for the same data.
            self.stdout.write(
                json.dumps(found.model_dump(), cls=DjangoJSONEncoder, ensure_ascii=False)
            )
        else:
            self._table(found)

    def _table(self, found: SubjectRecordsOut) -> None:
        subject = found.subject
        self.stdout.write(
            f"{subject.name}  {subject.code}  {KIND_LABELS.get(subject.kind, subject.kind)}"
        )
        if not found.records:
            self.stdout.write("没有信用记录 / no records")
            return
        self.stdout.write(f"{len(found.records)} 条信用记录 / records")
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for title in (
            "类型 type",
            "决定文书号 document",
            "决定日期 decided",
            "报送单位 unit",
            "状态 status",
            "版本 versions",
        ):
            table.add_column(title, overflow="fold")
        for record in found.records:
            table.add_row(
                f"{record.type_name} {record.type}",
                record.document_number,
                record.decision_date.isoformat(),
                f"{record.unit_name} {record.unit}",
                STATUS_LABELS.get(record.status, record.status),
                _versions(record),
            )
        buffer = io.StringIO()
        Console(file=buffer, width=TABLE_WIDTH, no_color=True, highlight=False).print(table)
        for line in buffer.getvalue().splitlines():
            if line.strip():
                self.stdout.write(line.rstrip())


def _versions(record: RecordOut) -> str:
    """One line per version: v1 2026-11-27 10:15 created 正常 cli:root #3f9a1c2e."""
    return "\n".join(
        f"v{v.number} {timezone.localtime(v.created_at):%Y-%m-%d %H:%M} {v.reason} "
        f"{STATUS_LABELS.get(v.status, v.status).split()[0]} {v.actor} #{v.hash[:8]}"
        for v in record.versions
    )
