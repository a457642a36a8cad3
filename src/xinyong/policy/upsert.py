"""Create-or-update of one policy object, with an audit event only when it changes.

The events wait in the upserter and are appended together by `flush` (one lock of the
audit chain's head for a whole pack instead of one per object: half the time of a first
load went to the chain). The loader flushes inside its transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import models

from xinyong.core import audit

M = TypeVar("M", bound=models.Model)


def _comparable(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


class Upserter:
    """Applies pack objects to one model and counts what happened to them."""

    def __init__(self, actor: audit.Actor) -> None:
        self.actor = actor
        self.counts: dict[str, Counter[str]] = {}
        self.events: list[audit.Pending] = []

    def log(self, action: str, obj: models.Model, data: dict[str, Any] | None = None) -> None:
        """An audit event about `obj`, appended with the others by `flush`."""
        self.events.append(audit.Pending.about(action, obj, data))

    def flush(self) -> None:
        audit.record_many(self.actor, self.events)
        self.events = []

    def count(self, model: type[models.Model], outcome: str) -> None:
        self.counts.setdefault(model._meta.label_lower, Counter())[outcome] += 1

    def upsert(self, model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model._default_manager.create(**lookup, **values)
            self.log("xinyong.policy.object_created", obj, {"values": _jsonable(values)})
            self.count(model, "created")
            return obj
        changed = {
            name: value
            for name, value in values.items()
            if _comparable(getattr(obj, name)) != _comparable(value)
        }
        if not changed:
            self.count(model, "unchanged")
            return obj
        before = {name: _jsonable(getattr(obj, name)) for name in changed}
        for name, value in changed.items():
            setattr(obj, name, value)
        obj.save(update_fields=list(changed))
        self.log(
            "xinyong.policy.object_updated", obj, {"before": before, "after": _jsonable(changed)}
        )
        self.count(model, "updated")
        return obj

    def sync_links(
        self,
        owner: models.Model,
        through: type[models.Model],
        owner_field: str,
        fields: Sequence[str],
        wanted: Sequence[tuple[Any, ...]],
    ) -> None:
        """Make `owner`'s rows of a link table exactly `wanted` (values of `fields`).

        Rows are compared as a set, so an unchanged pack writes nothing; a change replaces
        them all, with one audit event on the owner listing the new rows.
        """
        rows = through._default_manager.filter(**{owner_field: owner})
        current = sorted(rows.values_list(*fields))
        if current == sorted(wanted):
            return
        rows.delete()
        through._default_manager.bulk_create(
            through(**{owner_field: owner}, **dict(zip(fields, row, strict=True))) for row in wanted
        )
        links = [dict(zip(fields, row, strict=True)) for row in wanted]
        self.log(
            "xinyong.policy.object_updated",
            owner,
            {"links": {through._meta.label_lower: _jsonable(links)}},
        )
        self.count(through, "updated" if current else "created")

    def retire_others(self, model: type[M], field: str, keep: Iterable[Any]) -> None:
        """Deactivate rows the pack no longer lists; they stay for history and references."""
        stale = model._default_manager.filter(active=True).exclude(**{f"{field}__in": list(keep)})
        for obj in stale:
            obj.active = False  # type: ignore[attr-defined]
            obj.save(update_fields=["active"])
            self.log("xinyong.policy.object_retired", obj)
            self.count(model, "retired")

    @property
    def changed(self) -> bool:
        return any(
            counts["created"] or counts["updated"] or counts["retired"]
            for counts in self.counts.values()
        )

    def summary(self) -> dict[str, dict[str, int]]:
        return {label: dict(counts) for label, counts in sorted(self.counts.items())}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, models.Model):
        return str(value.pk)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
