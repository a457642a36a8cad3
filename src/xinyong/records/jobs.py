"""Console imports as background jobs, with their progress in a JSON file.

An import runs in ONE database transaction (`pipeline.Importer.run`), so nothing it
writes, not even a progress counter, is visible to other connections before it ends.
The job therefore writes its progress to `VAR_DIR/progress/<batch id>.json`, atomically
(a temporary file renamed over the old one), so a reader never sees half a file:

    {"batch": 12, "state": "running" | "done" | "failed", "rows": 4000,
     "estimate": 10000 | null, "percent": 40 | null, "rows_per_second": 1520.3,
     "started_at": ISO, "updated_at": ISO, "finished_at": ISO | null,
     "error": {"code", "message", "message_en"} | null}

`read_progress` adds "stale": true to a running job silent for 10 minutes (its process
died: the transaction rolled back, and uploading the file again imports it).

`start_import` takes the same steps as `imports.import_file`, split in two:

1. In the caller's thread: store the file, open it, map its headers, refuse a file
   whose columns do not fit, start the batch (the unit check). File-level refusals thus
   reach the caller as domain errors, and the caller gets the batch id at once.
2. In a daemon thread (or inline when `background` is False, or the setting
   `XINYONG_IMPORT_IN_BACKGROUND` is False, as in tests): stream the rows through
   `Importer.run` with a progress callback, write the final state, then close the
   thread's database connection. A failure is written to the batch, the progress file
   and the audit log (`xinyong.batch.failed`).

The open table is handed from the caller's thread to the job's thread (never used by
both at once) and closed by the job.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
import time
import zipfile
from contextlib import ExitStack, suppress
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core import audit
from xinyong.core.errors import Conflict, XinyongError
from xinyong.records.headers import HeaderMap, map_headers
from xinyong.records.imports import source_rows, store_file, stored_path
from xinyong.records.models import Batch, RecordType, StoredFile
from xinyong.records.pipeline import Importer, ImportResult, start_batch
from xinyong.records.readers import TEXT_SUFFIXES, Table, open_table
from xinyong.subjects.models import Unit

logger = logging.getLogger(__name__)

RUNNING, DONE, FAILED = (
    Batch.Status.RUNNING.value,
    Batch.Status.DONE.value,
    Batch.Status.FAILED.value,
)
# A job writes its progress at least once per chunk (2,000 rows, seconds): a running job
# silent for this long died with its process (its transaction rolled back).
STALE_AFTER = timedelta(minutes=10)
FILE_RUNNING = _("这个文件正在导入（批次 #%(batch)s），请等导入完成后再上传")
CRASHED = _("导入过程中出现意外错误，本批次未保存；请联系平台运营人员")
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


# --- the progress file ------------------------------------------------------------------
def progress_path(batch_id: int) -> Path:
    return Path(settings.VAR_DIR) / "progress" / f"{batch_id}.json"


def write_progress(batch_id: int, data: dict[str, Any]) -> None:
    """Replace the batch's progress file in one step (write a temporary file, rename it)."""
    path = progress_path(batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{batch_id}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_progress(batch: Batch) -> dict[str, Any]:
    """The job's last progress; the batch's own columns win once it has finished.

    A batch not started from the console (command line, API) has no file: its progress is
    read from the batch alone.
    """
    data: dict[str, Any] = {
        "batch": batch.pk,
        "state": RUNNING,
        "rows": 0,
        "estimate": None,
        "percent": None,
        "rows_per_second": None,
        "error": None,
    }
    with suppress(OSError, ValueError):
        data.update(json.loads(progress_path(batch.pk).read_text(encoding="utf-8")))
    if batch.status == Batch.Status.DONE:
        data.update(state=DONE, rows=batch.total, percent=100)
    elif batch.status == Batch.Status.FAILED:
        data.update(state=FAILED)
    data["stale"] = data["state"] == RUNNING and _silent(batch, data.get("updated_at"))
    return data


def _silent(batch: Batch, updated_at: Any) -> bool:
    """No sign of life for STALE_AFTER: from the job's last write, or, for a console
    batch whose job never wrote, from the batch's creation (other sources write nothing)."""
    try:
        last = datetime.fromisoformat(updated_at) if updated_at else None
    except (TypeError, ValueError):
        last = None
    if last is None and batch.source == Batch.Source.CONSOLE:
        last = batch.created_at
    return last is not None and timezone.now() - last > STALE_AFTER


def _refuse_if_running(stored: StoredFile) -> None:
    """One job per file at a time: `start_batch` would mark the running one failed."""
    for batch in Batch.objects.filter(
        file=stored, status=Batch.Status.RUNNING, source=Batch.Source.CONSOLE
    ):
        if not read_progress(batch)["stale"]:
            raise Conflict("batch.file_running", FILE_RUNNING, params={"batch": batch.pk})


def estimate_rows(path: Path) -> int | None:
    """A quick guess of a file's data rows, for a percentage (None when unknown).

    CSV (and TSV): its line breaks, less the header (a quoted cell with a line break makes it an
    overestimate). XLSX: the first sheet's declared dimension, less the header.
    """
    try:
        if path.suffix.lower() in TEXT_SUFFIXES:
            with path.open("rb") as handle:
                lines = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
            return max(lines - 1, 0)
        if path.suffix.lower() == ".xlsx":
            with zipfile.ZipFile(path) as book, book.open("xl/worksheets/sheet1.xml") as sheet:
                found = _DIMENSION.search(sheet.read(1 << 16))
            return max(int(found.group(1)) - 1, 0) if found and found.group(1) else None
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    return None


def _now() -> str:
    return timezone.now().isoformat(timespec="seconds")


# --- the job ------------------------------------------------------------------------------
class ImportJob:
    """The rows of one started batch, to run once (in a thread or inline)."""

    def __init__(
        self,
        batch: Batch,
        actor: audit.Actor,
        table: Table,
        header_map: HeaderMap,
        owner: ExitStack,
        path: Path,
    ) -> None:
        self.batch, self.actor = batch, actor
        self.table, self.header_map, self.owner = table, header_map, owner
        self.path = path
        self.estimate: int | None = None
        self.rows = 0
        self.started = time.monotonic()
        self.state: dict[str, Any] = {
            "batch": batch.pk,
            "state": RUNNING,
            "rows": 0,
            "estimate": None,
            "percent": None,
            "rows_per_second": None,
            "started_at": _now(),
            "updated_at": _now(),
            "finished_at": None,
            "error": None,
        }

    def report(self, **changes: Any) -> None:
        self.state.update(changes, updated_at=_now())
        write_progress(self.batch.pk, self.state)

    def progress(self, done: int) -> None:
        self.rows = done
        elapsed = time.monotonic() - self.started
        percent = None
        if self.estimate:
            # An estimate may be short or long: never claim 100 % before the end.
            percent = min(99, int(100 * done / self.estimate))
        self.report(
            rows=done,
            percent=percent,
            rows_per_second=round(done / elapsed, 1) if elapsed > 0 else None,
        )

    def run(self) -> ImportResult | None:
        """Run the rows; a failure is recorded, never raised (nobody would catch it)."""
        self.started = time.monotonic()
        try:
            with self.owner:
                # The job's own instance: the caller keeps (and may refresh) the one it got.
                self.batch = Batch.objects.select_related("unit", "record_type").get(
                    pk=self.batch.pk
                )
                self.estimate = estimate_rows(self.path)
                self.report(estimate=self.estimate, percent=0 if self.estimate else None)
                result = Importer(self.batch, self.actor).run(
                    source_rows(self.table, self.header_map), self.progress
                )
        except Exception as exc:
            self._failed(exc)
            return None
        elapsed = time.monotonic() - self.started
        self.report(
            state=DONE,
            rows=self.batch.total,
            percent=100,
            finished_at=_now(),
            rows_per_second=round(self.batch.total / elapsed, 1) if elapsed > 0 else None,
        )
        return result

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, XinyongError):
            error = exc.as_dict()
        else:
            logger.exception("import of batch %s crashed", self.batch.pk)
            error = XinyongError("import.crashed", CRASHED).as_dict()
        self.report(state=FAILED, finished_at=_now(), error=error)
        try:
            # Importer.run marks the batch failed itself; this covers a failure before it.
            Batch.objects.filter(pk=self.batch.pk, status=Batch.Status.RUNNING).update(
                status=Batch.Status.FAILED, failure=str(exc)[:2000], finished_at=timezone.now()
            )
            audit.record(
                "xinyong.batch.failed",
                self.actor,
                self.batch,
                {
                    "unit": self.batch.unit.code,
                    "type": self.batch.record_type.code,
                    "rows": self.rows,
                    "code": error["code"],
                },
            )
        except Exception:
            logger.exception("could not record the failure of batch %s", self.batch.pk)


def _in_thread(job: ImportJob) -> None:
    try:
        job.run()
    finally:
        connection.close()  # this thread's own connection: nobody else would close it


def start_import(
    path: Path,
    record_type: RecordType,
    unit: Unit,
    actor: audit.Actor,
    *,
    name: str | None = None,
    background: bool | None = None,
) -> Batch:
    """Store and check the file, start its batch, run its rows; return the batch at once.

    Raises the domain errors of `store_file`, `open_table`, `map_headers` and
    `start_batch` (encoding, missing columns, unit not allowed), and
    `batch.file_running` while a console job of the same file runs: nothing runs then.
    """
    if background is None:
        background = getattr(settings, "XINYONG_IMPORT_IN_BACKGROUND", True)
    stored = store_file(path, actor, name)
    _refuse_if_running(stored)
    file_path = stored_path(stored)
    with ExitStack() as stack:
        table = stack.enter_context(open_table(file_path))
        header_map = map_headers(table.headers, record_type.fields)
        header_map.raise_for_problems()
        batch = start_batch(unit, record_type, Batch.Source.CONSOLE, actor, file=stored)
        job = ImportJob(batch, actor, table, header_map, stack.pop_all(), file_path)
    if background:
        threading.Thread(
            target=_in_thread, args=(job,), name=f"import-{batch.pk}", daemon=True
        ).start()
    else:
        job.run()
    return batch
