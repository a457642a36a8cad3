"""Attachments to objections and repair applications: evidence the applicant uploads.

Stored like imported files (`records.imports.store_file`: once per content, named by its
SHA-256). Limited in number, size and kind so a public form cannot be used to park
arbitrary files: PDF and images, the forms evidence arrives in.
"""

from __future__ import annotations

import base64
import binascii
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

from xinyong.core import audit
from xinyong.core.errors import InvalidInput
from xinyong.records.imports import store_file, stored_path
from xinyong.records.models import StoredFile

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
# Suffix → the first bytes every such file starts with.
KINDS = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def store_uploads(files: Iterable[UploadedFile], actor: audit.Actor) -> list[StoredFile]:
    """Check and keep files uploaded through a form."""
    items = [(upload.name or "upload", upload.read()) for upload in files]
    return _store(items, actor)


def store_encoded(items: Iterable[tuple[str, str]], actor: audit.Actor) -> list[StoredFile]:
    """Check and keep files sent through the API as (name, base64 content)."""
    decoded = []
    for name, content in items:
        try:
            decoded.append((name, base64.b64decode(content, validate=True)))
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput(
                "attachment.not_base64",
                _("附件“%(name)s”不是有效的 Base64 编码"),
                params={"name": name},
                field="attachments",
            ) from exc
    return _store(decoded, actor)


def _store(items: list[tuple[str, bytes]], actor: audit.Actor) -> list[StoredFile]:
    if len(items) > MAX_FILES:
        raise InvalidInput(
            "attachment.too_many",
            _("附件最多%(count)s个"),
            params={"count": MAX_FILES},
            field="attachments",
        )
    for name, data in items:
        _check(name, data)
    stored = []
    for name, data in items:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{Path(name).suffix.lower()}"
            path.write_bytes(data)
            stored.append(store_file(path, actor, name=Path(name).name[:255]))
    return stored


def _check(name: str, data: bytes) -> None:
    suffix = Path(name).suffix.lower()
    signatures = KINDS.get(suffix)
    if signatures is None or not data.startswith(signatures):
        raise InvalidInput(
            "attachment.kind",
            _("附件“%(name)s”不是 PDF、PNG 或 JPEG 文件"),
            params={"name": name},
            field="attachments",
        )
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            "attachment.too_large",
            _("附件“%(name)s”超过%(mb)s MB"),
            params={"name": name, "mb": MAX_BYTES // (1024 * 1024)},
            field="attachments",
        )


def download(
    case: models.Model,
    stored: StoredFile,
    actor: audit.Actor,
    action: str = "xinyong.attachment.downloaded",
) -> FileResponse:
    """Send a case's attachment to a staff member who may see the case, with an audit
    event: evidence often carries personal information (payment slips, copies of ID
    cards), so every download leaves a trace of who took it."""
    path = stored_path(stored)
    if not path.is_file():
        raise Http404
    audit.record(
        action,
        actor,
        case,
        {"file": stored.pk, "name": stored.name, "sha256": stored.sha256},
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=stored.name)
