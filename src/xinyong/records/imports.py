"""Entry points of ingestion: a file (CLI, console) or a list of JSON objects (API)."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from xinyong.core import audit
from xinyong.core.errors import InvalidInput, NotFound
from xinyong.records.headers import HeaderMap, map_headers
from xinyong.records.models import Batch, RecordType, StoredFile
from xinyong.records.pipeline import (
    Importer,
    ImportResult,
    SourceRow,
    check_unit_may_report,
    start_batch,
)
from xinyong.records.readers import Table, open_table
from xinyong.subjects.models import Unit

MAX_API_ROWS = 10_000


def find_record_type(code: str) -> RecordType:
    record_type = RecordType.objects.filter(code=code, active=True).first()
    if record_type is None or not record_type.fields:
        known = ", ".join(
            RecordType.objects.filter(active=True).exclude(fields=[]).values_list("code", flat=True)
        )
        raise NotFound(
            "record_type.unknown",
            _("没有可导入的信息类型“%(code)s”；可选：%(known)s"),
            params={"code": code, "known": known},
        )
    return record_type


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def store_file(path: Path, actor: audit.Actor, name: str | None = None) -> StoredFile:
    """Keep the file exactly as received, once per content (named by its SHA-256)."""
    sha = _sha256(path)
    existing = StoredFile.objects.filter(sha256=sha).first()
    if existing is not None:
        return existing
    relative = Path("uploads") / sha[:2] / f"{sha}{path.suffix.lower()}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)
    stored = StoredFile.objects.create(
        sha256=sha,
        name=name or path.name,
        size=target.stat().st_size,
        path=str(relative),
        uploaded_by=actor.label,
    )
    audit.record("xinyong.file.stored", actor, stored, {"sha256": sha, "name": stored.name})
    return stored


def stored_path(stored: StoredFile) -> Path:
    return Path(settings.MEDIA_ROOT) / stored.path


def source_rows(table: Table, header_map: HeaderMap) -> Iterator[SourceRow]:
    """A file's rows for the pipeline: cells by field code, and as written by header."""
    for number, cells in table.rows:
        yield SourceRow(
            number, header_map.cells(cells), dict(zip(table.headers, cells, strict=False))
        )


def import_file(
    path: Path,
    record_type: RecordType,
    unit: Unit,
    actor: audit.Actor,
    *,
    source: str = Batch.Source.CLI,
    name: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    check_unit_may_report(unit, record_type)  # before keeping a file that will be refused
    stored = store_file(path, actor, name)
    with open_table(stored_path(stored)) as table:
        header_map = map_headers(table.headers, record_type.fields)
        header_map.raise_for_problems()
        batch = start_batch(unit, record_type, source, actor, file=stored)
        return Importer(batch, actor).run(source_rows(table, header_map), progress)


def import_objects(
    objects: list[dict[str, Any]],
    record_type: RecordType,
    unit: Unit,
    actor: audit.Actor,
    *,
    source: str = Batch.Source.API,
) -> ImportResult:
    """Rows sent as JSON objects keyed by field code (or Chinese field name).

    Rows are numbered from 1 in the order sent. Keys that are no field of the type are
    refused for the whole request, so a client's misspelt key is never silently dropped.
    """
    if len(objects) > MAX_API_ROWS:
        raise InvalidInput(
            "request.too_many_rows",
            _("一次最多提交 %(max)d 行，本次 %(count)d 行"),
            params={"max": MAX_API_ROWS, "count": len(objects)},
        )
    keys = sorted({key for obj in objects for key in obj})
    header_map = map_headers(keys, record_type.fields)
    if header_map.unknown:
        raise InvalidInput(
            "field.unknown",
            _("未知字段：%(fields)s"),
            params={"fields": ", ".join(name for _, name in header_map.unknown)},
        )
    header_map.raise_for_problems()
    batch = start_batch(unit, record_type, source, actor)
    return Importer(batch, actor, keep_outcomes=True).run(_api_rows(objects, keys, header_map))


def _api_rows(
    objects: list[dict[str, Any]], keys: list[str], header_map: Any
) -> Iterator[SourceRow]:
    for number, obj in enumerate(objects, start=1):
        cells = ["" if obj.get(key) is None else str(obj.get(key)) for key in keys]
        yield SourceRow(
            number,
            header_map.cells(cells),
            {key: value for key, value in zip(keys, cells, strict=True) if value},
        )
