"""The append-only, hash-chained audit log.

Every change to the platform's data goes through `record()` with a namespaced action
code (`xinyong.<object>.<verb>`). Each app lists its codes with a label in its
`actions.py` (`ACTIONS = {code: label}`); an unknown code is refused, so every event
can be shown to a person.

Chaining: event n stores hash(n) = SHA-256(canonical JSON of its columns + hash(n-1)).
Editing an event breaks its own hash; deleting one breaks the link of the next;
deleting the newest ones leaves the chain shorter than `AuditHead`, which is updated
in the same transaction as every append. `verify()` checks all three. The head's hash
can also be copied elsewhere (printed by `xinyong audit verify`) to anchor the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise

from xinyong.core.models import AuditEvent, AuditHead

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who did something: a staff user, an API token, the command line or the system."""

    label: str
    unit: str = ""

    @classmethod
    def system(cls) -> Actor:
        return cls("system")

    @classmethod
    def cli(cls) -> Actor:
        import getpass

        return cls(f"cli:{getpass.getuser()}")

    @classmethod
    def for_user(cls, user: Any) -> Actor:
        unit = getattr(getattr(user, "unit", None), "code", "") or ""
        return cls(f"user:{user.pk}:{user.get_username()}", unit)


@cache
def action_labels() -> dict[str, str | Promise]:
    """Every action code of every installed xinyong app, with its label."""
    labels: dict[str, str | Promise] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("xinyong."):
            continue
        try:
            module = __import__(f"{config.name}.actions", fromlist=["ACTIONS"])
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.actions":
                raise
            continue
        labels.update(module.ACTIONS)
    return labels


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _digest(event: AuditEvent) -> str:
    at = event.at.astimezone(UTC).isoformat(timespec="microseconds")
    body = _canonical(
        [
            event.seq,
            at,
            event.actor,
            event.actor_unit,
            event.action,
            event.object_type,
            event.object_id,
            event.data,
            event.prev_hash,
        ]
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _describe(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def record(
    action: str,
    actor: Actor,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    *,
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Append one event. Call it inside the transaction that makes the change."""
    if action not in action_labels():
        raise ValueError(f"unknown audit action {action!r}: add it to an app's actions.py")
    if obj is not None:
        object_type, object_id = _describe(obj)
    # Round-trip through JSON now, so the hash covers exactly what the database returns.
    payload = json.loads(_canonical(data or {}))
    with transaction.atomic():
        head = locked_head()
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=actor.label,
            actor_unit=actor.unit,
            action=action,
            object_type=object_type,
            object_id=object_id,
            data=payload,
            prev_hash=head.hash,
        )
        event.hash = _digest(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class Pending:
    """An event to append with others (`record_many`)."""

    action: str
    object_type: str
    object_id: str
    data: dict[str, Any]

    @classmethod
    def about(cls, action: str, obj: models.Model, data: dict[str, Any] | None = None) -> Pending:
        object_type, object_id = _describe(obj)
        return cls(action, object_type, object_id, data or {})


def record_many(actor: Actor, events: Iterable[Pending]) -> int:
    """Append the events in order, chained as `record` chains them, with one lock of the
    head and one insert: for work that writes hundreds or thousands (one `record` call
    costs a lock and two writes of the head per event). Returns the count."""
    pending = list(events)
    labels = action_labels()
    unknown = sorted({e.action for e in pending if e.action not in labels})
    if unknown:
        raise ValueError(f"unknown audit actions {unknown!r}: add them to an app's actions.py")
    if not pending:
        return 0
    with transaction.atomic():
        head = locked_head()
        now = timezone.now()
        seq, previous = head.seq, head.hash
        rows = []
        for item in pending:
            seq += 1
            event = AuditEvent(
                seq=seq,
                at=now,
                actor=actor.label,
                actor_unit=actor.unit,
                action=item.action,
                object_type=item.object_type,
                object_id=item.object_id,
                data=json.loads(_canonical(item.data)),
                prev_hash=previous,
            )
            event.hash = previous = _digest(event)
            rows.append(event)
        AuditEvent.objects.bulk_create(rows)
        head.seq, head.hash = seq, previous
        head.save(update_fields=["seq", "hash"])
    return len(rows)


def locked_head() -> AuditHead:
    """The chain's head, locked until the transaction ends: appends wait on it in turn."""
    head, _created = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"seq": 0, "hash": GENESIS}
    )
    return head


@dataclass
class Verification:
    checked: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _events(batch: int = 5000) -> Iterator[AuditEvent]:
    yield from AuditEvent.objects.order_by("seq").iterator(chunk_size=batch)


def verify() -> Verification:
    """Walk the chain from the genesis hash and report every break."""
    # A missing head reads as the genesis: then any remaining event shows as "removed".
    head = AuditHead.objects.filter(pk=1).first() or AuditHead(seq=0, hash=GENESIS)
    result = Verification(head_seq=head.seq, head_hash=head.hash)
    expected_seq, prev = 1, GENESIS
    for event in _events():
        result.checked += 1
        if event.seq != expected_seq:
            result.problems.append(
                f"#{event.seq}: events #{expected_seq}–#{event.seq - 1} are missing"
            )
        if event.prev_hash != prev:
            result.problems.append(f"#{event.seq}: does not follow the previous event")
        if _digest(event) != event.hash:
            result.problems.append(f"#{event.seq}: content does not match its hash")
        expected_seq, prev = event.seq + 1, event.hash
    if expected_seq - 1 != head.seq or prev != head.hash:
        result.problems.append(
            f"the chain ends at #{expected_seq - 1} but the head records #{head.seq}: "
            "the newest events were removed or the head was altered"
        )
    return result
