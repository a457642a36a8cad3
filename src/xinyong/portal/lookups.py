"""Small reference tables the public pages name on every visit, cached for a minute.

Record types (a dozen), units (about a hundred) and regions (a few hundred) change only
when a policy pack is loaded. Reading each once a minute instead of joining it into
every records query keeps a subject page to three light queries; a reloaded pack shows
on the portal within `LOOKUP_SECONDS`.

What a record card shows of a type is decided here, once per type: the fields with the
categories and validity roles, the amounts, and (the 2019 national format gives them no
role) the content, the deciding authority and the licence's name, recognised by how
their catalogue name ends. ID numbers are never picked, not even masked.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache

from xinyong.portal.cached import cached
from xinyong.records.models import RecordType
from xinyong.subjects.models import Region, Unit

LOOKUP_SECONDS = 60
SUMMARY_ROLES = frozenset({"categories", "validity_from", "validity_to"})
SUMMARY_TYPES = frozenset({"amount_wan"})
SUMMARY_NAME_ENDINGS = ("内容", "违法行为类型", "证书名称", "机关")
PRIVATE_ROLES = frozenset({"id_number", "legal_representative_id"})
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class TypeInfo:
    name: str
    category: str
    summary: tuple[tuple[str, str], ...]  # (code, name) of the fields a card shows
    indefinite: str | None  # the date that means "no end" (2099-12-31)


def _is_summary(spec: dict[str, Any]) -> bool:
    if spec.get("role") in PRIVATE_ROLES or spec.get("type") == "id_number":
        return False
    return (
        spec.get("role") in SUMMARY_ROLES
        or spec.get("type") in SUMMARY_TYPES
        or str(spec.get("name", "")).endswith(SUMMARY_NAME_ENDINGS)
    )


def type_info(record_type: RecordType) -> TypeInfo:
    summary = tuple((f["code"], f["name"]) for f in record_type.fields if _is_summary(f))
    indefinite = record_type.data_format.get("indefinite_date")
    return TypeInfo(
        record_type.name, record_type.category, summary, str(indefinite) if indefinite else None
    )


def _complete(key: str, load: Callable[[], dict[K, V]], wanted: Collection[K]) -> dict[K, V]:
    """The cached table, read again at once if it lacks a wanted key (a new type)."""
    table = cached(key, LOOKUP_SECONDS, load)
    if any(item not in table for item in wanted):
        table = load()
        cache.set(key, table, LOOKUP_SECONDS)
    return table


def record_types(wanted: Collection[int] = ()) -> dict[int, TypeInfo]:
    def load() -> dict[int, TypeInfo]:
        return {record_type.pk: type_info(record_type) for record_type in RecordType.objects.all()}

    return _complete("xinyong:portal-record-types", load, wanted)


def type_ids(categories: Collection[str]) -> list[int]:
    """The record types of these categories: filtering records by type id, not by a
    join to the types, lets the (record type, decision date) index order a column."""
    return [pk for pk, info in record_types().items() if info.category in categories]


def unit_names(wanted: Collection[int] = ()) -> dict[int, str]:
    def load() -> dict[int, str]:
        return dict(Unit.objects.values_list("pk", "name"))

    return _complete("xinyong:portal-unit-names", load, wanted)


def region_labels() -> dict[str, str]:
    """昆明市五华区 for a county, 昆明市 for a prefecture, 云南省 for the province."""

    def load() -> dict[str, str]:
        names = dict(Region.objects.values_list("code", "name"))
        labels = {}
        for code, level, parent in Region.objects.values_list("code", "level", "parent_id"):
            county = level == Region.Level.COUNTY and parent in names
            labels[code] = f"{names[parent]}{names[code]}" if county else names[code]
        return labels

    return cached("xinyong:portal-region-labels", LOOKUP_SECONDS, load)
