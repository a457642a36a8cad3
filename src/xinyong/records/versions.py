"""Hash-chained record versions: each version's hash covers its content and the previous hash.

Both hashes are SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of a
list: `[payload, status, sealed_indexes]` for the content hash (what decides
"unchanged"), `[prev_hash, number, time, actor, reason, status, payload]` for a
version. The importer encodes each payload once (`canonical`) and splices that text
into both lists (`content_hash_of`, `version_hash_of`): the bytes hashed are exactly
those of the list forms, which `content_hash` and `version_hash` spell out.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stamp(at: datetime) -> str:
    """A version's time as hashed: UTC, ISO 8601, microseconds."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


@cache
def _scalar(value: str) -> str:
    # Statuses, actors and reasons repeat on every row of an import.
    return canonical(value)


def content_hash_of(payload_text: str, status: str, sealed_indexes: dict[str, str]) -> str:
    """`content_hash` of a payload already encoded with `canonical`."""
    indexes = canonical(sealed_indexes) if sealed_indexes else "{}"
    return _sha256(f"[{payload_text},{_scalar(status)},{indexes}]")


def version_hash_of(
    prev_hash: str,
    number: int,
    at_stamp: str,
    actor: str,
    reason: str,
    status: str,
    payload_text: str,
) -> str:
    """`version_hash` of a payload already encoded with `canonical`, time from `stamp`.

    `prev_hash` is hexadecimal and `number` an integer: JSON writes both as they are."""
    middle = ",".join(map(_scalar, (at_stamp, actor, reason, status)))
    return _sha256(f'["{prev_hash}",{number},{middle},{payload_text}]')


def content_hash(payload: dict[str, Any], status: str, sealed_indexes: dict[str, str]) -> str:
    """What decides "unchanged": the standard fields, the status and the sealed identities."""
    return _sha256(canonical([payload, status, sealed_indexes]))


def version_hash(
    prev_hash: str,
    number: int,
    at: datetime,
    actor: str,
    reason: str,
    status: str,
    payload: dict[str, Any],
) -> str:
    return _sha256(canonical([prev_hash, number, stamp(at), actor, reason, status, payload]))
