"""`xinyong import FILE --type TYPE --unit CODE [--json] [--report PATH]`.

Imports a CSV or XLSX file of credit records through the ingestion pipeline. Exit
status 0 when the import ran, rejected rows included (they are quarantined, nothing is
lost); 1 when the whole file was refused (encoding, columns, type, unit): the error's
code and its message in Chinese and English, never a traceback.

Output
  stdout, human: a summary, then one line per error of a rejected row:
      ROW<TAB>FIELD_CODE FIELD_NAME<TAB>CODE<TAB>中文 / English
  stdout, --json: {"batch", "accepted", "updated", "unchanged", "rejected", "errors":
      [{"row", "field", "code", "message", "message_en"}]}; a refused file prints
      {"error": {"code", "message", "message_en", "field"?}} (the API's error shape).
  stderr: progress (a rich bar on a terminal, plain lines otherwise), notes.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext_lazy as _
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from xinyong.core.audit import Actor
from xinyong.core.errors import InvalidInput, XinyongError
from xinyong.records.imports import find_record_type, import_file
from xinyong.records.pipeline import ImportResult
from xinyong.records.report import export_error_report
from xinyong.subjects.services import find_unit

FILE_MISSING = _("找不到要导入的文件：%(path)s")
PLAIN_PROGRESS_INTERVAL = 5.0  # seconds between two progress lines when not on a terminal


class _RateColumn(ProgressColumn):
    """Rows per second: a stream's row count is unknown, so no percentage or ETA."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} 行/秒 rows/s" if speed else "", style="progress.data.speed")


class Command(BaseCommand):
    help = "Import a CSV or XLSX file of credit records (导入信用记录)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a CSV (UTF-8 or GB18030) or XLSX file")
        parser.add_argument(
            "--type",
            required=True,
            dest="record_type",
            help="the record type's code: penalty, license, …",
        )
        parser.add_argument("--unit", required=True, help="the reporting unit's code")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument(
            "--report",
            type=Path,
            metavar="PATH",
            help="write the rejected rows with their errors to PATH (XLSX)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_json: bool = options["json"]
        try:
            result = self._import(options)
        except XinyongError as exc:
            if as_json:
                self.stdout.write(json.dumps({"error": exc.as_dict()}, ensure_ascii=False))
            raise CommandError(f"{exc.code}: {exc.bilingual()}", returncode=1) from None
        except KeyboardInterrupt:
            raise CommandError(
                "已中断，本批次未保存 / interrupted: nothing of this batch was saved",
                returncode=130,
            ) from None
        if as_json:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self._summary(result)
        if options["report"] is not None:
            # With --json, stdout holds the JSON only: the note goes to stderr.
            self._write_report(
                result, options["report"], note=self.stderr if as_json else self.stdout
            )

    # --- importing ----------------------------------------------------------------------
    def _import(self, options: dict[str, Any]) -> ImportResult:
        path: Path = options["file"]
        record_type = find_record_type(options["record_type"])
        unit = find_unit(options["unit"])
        if not path.is_file():
            raise InvalidInput("file.missing", FILE_MISSING, params={"path": str(path)})
        actor = Actor.cli()
        if self.stderr.isatty():
            # The terminal itself: Django's OutputWrapper would add a newline per write.
            console = Console(file=cast(IO[str], self.stderr._out), stderr=True)
            columns = (
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed:,} 行 rows"),
                _RateColumn(),
                TimeElapsedColumn(),
            )
            with Progress(*columns, console=console, transient=False) as bar:
                task = bar.add_task(f"导入 / importing {path.name}", total=None)
                return import_file(
                    path,
                    record_type,
                    unit,
                    actor,
                    progress=lambda done: bar.update(task, completed=done),
                )
        return import_file(path, record_type, unit, actor, progress=self._plain_progress())

    def _plain_progress(self) -> Any:
        """Progress as a plain line every few seconds: a log, not a terminal."""
        started = last = time.monotonic()

        def show(done: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PLAIN_PROGRESS_INTERVAL:
                last = now
                rate = done / (now - started)
                self.stderr.write(f"已处理 / processed: {done:,} 行 rows, {rate:,.0f} 行/秒 rows/s")

        return show

    # --- output -------------------------------------------------------------------------
    def _summary(self, result: ImportResult) -> None:
        batch = result.batch
        record_type, unit = batch.record_type, batch.unit
        out = self.stdout.write
        out(
            f"导入完成 / import done: 批次 / batch #{batch.pk}  {record_type.name} "
            f"{record_type.code}  {unit.name} {unit.code}"
        )
        out(
            f"共 {batch.total} 行 / {batch.total} rows: 新增 / accepted {result.accepted}, "
            f"更新 / updated {result.updated}, 未变 / unchanged {result.unchanged}, "
            f"拒收 / rejected {result.rejected}"
        )
        if not result.errors:
            return
        out(
            "拒收的行已隔离，更正后可重新报送 / rejected rows are quarantined: correct them "
            "and send them again"
        )
        out("行号 row\t字段 field\t代码 code\t说明 message")
        names = {spec["code"]: spec.get("name") or spec["code"] for spec in record_type.fields}
        for error in result.errors:
            item = error.as_dict()
            field = f"{item['field']} {names.get(item['field'], '')}".strip() or "-"
            out(f"{item['row']}\t{field}\t{item['code']}\t{item['message']} / {item['message_en']}")

    def _write_report(self, result: ImportResult, path: Path, note: Any) -> None:
        if not result.rejected:
            note.write(
                f"没有拒收的行，未生成错误报告 / no rejected rows: no error report "
                f"written to {path}"
            )
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(export_error_report(result.batch, Actor.cli()))
        note.write(f"错误报告 / error report: {path} ({result.rejected} 行 rows)")
