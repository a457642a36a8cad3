"""`xinyong entries import FILE --list CODE --unit CODE [--json]`, `xinyong entries show REF`.

import
  Imports entries the list's owner decided in its own system from a CSV (UTF-8 or
  GB18030) or XLSX file (`xinyong.lists.entry_import`). `--unit` must be the list's
  owner. Exit status 0 when the file was read, rejected rows included; 1 when the whole
  file was refused (unknown list or unit, not the owner, encoding, columns): the code
  and the message in Chinese and English, never a traceback.
  stdout, human: a summary, then one line per error: ROW<TAB>FIELD<TAB>CODE<TAB>中文 / English
  stdout, --json: {"list", "origin_ref", "accepted", "unchanged", "rejected", "errors":
  [{"row", "field", "code", "message", "message_en"}]}; a refused file prints
  {"error": {...}} (the API's error shape).

show
  One entry with its history, as `GET /api/v1/entries/{reference}` gives it (`--json`
  prints that shape, defence included: the command line is the operator's).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.utils import timezone

from xinyong.core.audit import Actor
from xinyong.core.errors import XinyongError
from xinyong.lists.api_entries import EntryDetailOut
from xinyong.lists.entries import find_entry
from xinyong.lists.entry_import import NAMES, EntryImportResult, import_file
from xinyong.lists.models import EntryEvent, ListEntry
from xinyong.subjects.services import find_unit

FIELD_NAMES = {code.lower(): name for code, name in NAMES.items()}


class Command(BaseCommand):
    help = "Import list entries decided by their owner, or show an entry (名单条目)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        importing = sub.add_parser("import", help="import decided entries from a file")
        importing.add_argument("file", type=Path, help="a CSV (UTF-8 or GB18030) or XLSX file")
        importing.add_argument("--list", required=True, dest="list_code", help="the list's code")
        importing.add_argument("--unit", required=True, help="the deciding unit (the owner)")
        importing.add_argument("--json", action="store_true", help="print the result as JSON")
        showing = sub.add_parser("show", help="an entry with its history")
        showing.add_argument("reference", help="the entry's reference (名单编号, MD…)")
        showing.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "import":
                self._import(options)
            else:
                self._show(options)
        except XinyongError as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"error": exc.as_dict()}, ensure_ascii=False))
            raise CommandError(f"{exc.code}: {exc.bilingual()}", returncode=1) from None

    # --- import -------------------------------------------------------------------------
    def _import(self, options: dict[str, Any]) -> None:
        unit = find_unit(options["unit"])
        result = import_file(options["file"], options["list_code"], unit, Actor.cli())
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self._summary(result)

    def _summary(self, result: EntryImportResult) -> None:
        out = self.stdout.write
        credit_list = result.credit_list
        out(f"导入完成 / import done: {credit_list.name} {credit_list.code}  {result.origin_ref}")
        total = result.accepted + result.unchanged + result.rejected
        out(
            f"共 {total} 行 / {total} rows: 新增 / accepted {result.accepted}, "
            f"未变 / unchanged {result.unchanged}, 拒收 / rejected {result.rejected}"
        )
        if not result.errors:
            return
        out(
            "拒收的行未导入，更正后可再次导入同一文件（已导入的行报告为未变） / rejected rows "
            "were not imported: correct them and import the file again (imported rows stay "
            "unchanged)"
        )
        out("行号 row\t字段 field\t代码 code\t说明 message")
        for item in result.error_dicts():
            field = f"{item['field']} {FIELD_NAMES.get(item['field'], '')}".strip() or "-"
            out(f"{item['row']}\t{field}\t{item['code']}\t{item['message']} / {item['message_en']}")

    # --- show ---------------------------------------------------------------------------
    def _show(self, options: dict[str, Any]) -> None:
        entry = (
            ListEntry.objects.select_related("credit_list", "subject", "unit")
            .prefetch_related(
                Prefetch("events", queryset=EntryEvent.objects.order_by("id")), "evidence"
            )
            .get(pk=find_entry(options["reference"]).pk)
        )
        if options["json"]:
            detail = EntryDetailOut.detail(entry, own=True)  # the operator's command line
            self.stdout.write(
                json.dumps(detail.model_dump(), cls=DjangoJSONEncoder, ensure_ascii=False)
            )
            return
        out = self.stdout.write
        subject = entry.subject
        out(f"{entry.reference}  {entry.credit_list.name} {entry.credit_list.code}")
        out(f"主体 / subject: {subject.name}  {subject.display_code}  ({subject.kind})")
        out(f"认定单位 / unit: {entry.unit.name} {entry.unit.code}")
        out(f"状态 / status: {entry.get_status_display()} {entry.status}")
        out(f"认定文书号 / document: {entry.document_number or '—'}")
        ends = entry.ends_on.isoformat() if entry.ends_on else "至符合移出条件 / until exit"
        start = entry.starts_on.isoformat() if entry.starts_on else "—"
        out(f"期限 / term: {start} — {ends}")
        out(f"列入事实和理由 / reasons: {entry.reasons}")
        out("历史 / history:")
        for event in entry.events.all():
            note = f"  {event.note}" if event.note else ""
            stamp = timezone.localtime(event.at).isoformat(timespec="seconds")
            out(f"  {stamp}\t{event.get_action_display()} {event.action}\t{event.actor}{note}")
