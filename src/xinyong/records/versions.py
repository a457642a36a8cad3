"""Hash-chained record versions: each version's hash covers its content and the previous hash."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def content_hash(payload: dict[str, Any], status: str, sealed_indexes: dict[str, str]) -> str:
    """What decides "unchanged": the standard fields, the status and the sealed identities."""
    body = canonical([payload, status, sealed_indexes])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def version_hash(
    prev_hash: str,
    number: int,
    at: datetime,
    actor: str,
    reason: str,
    status: str,
    payload: dict[str, Any],
) -> str:
    stamp = at.astimezone(UTC).isoformat(timespec="microseconds")
    body = canonical([prev_hash, number, stamp, actor, reason, status, payload])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
