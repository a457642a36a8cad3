"""The filters of the 双公示 columns: unit, prefecture, decision dates, category.

Every value comes from the address, so each is checked against what exists: a bad one
is an `InvalidInput` with its own code and a message in both languages, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from xinyong.core.errors import InvalidInput, Message
from xinyong.records.models import CreditRecord, RecordType
from xinyong.subjects.models import Region, Unit

SHOWN_VALUE = 40  # characters of a bad value repeated in the message


@dataclass(frozen=True)
class Choices:
    """What the form offers for one column."""

    units: list[Unit]
    regions: list[Region]
    categories: list[str]


@dataclass(frozen=True)
class Filters:
    unit: str = ""
    region: str = ""
    date_from: date | None = None
    date_to: date | None = None
    category: str = ""


def choices_for(category: str) -> Choices:
    """Units that may report the column's types, the prefectures, the types' categories."""
    types = list(RecordType.objects.filter(category=category, active=True))
    units = Unit.objects.filter(active=True).order_by("kind", "code")
    # A type without `reported_by` may come from any unit.
    if types and all(t.reported_by for t in types):
        units = units.filter(kind__in={kind for t in types for kind in t.reported_by})
    regions = Region.objects.filter(level=Region.Level.PREFECTURE).order_by("code")
    values: dict[str, None] = {}
    for record_type in types:
        for spec in record_type.fields:
            if spec.get("role") == "categories":
                values.update(dict.fromkeys(spec.get("choices", [])))
    return Choices(list(units), list(regions), list(values))


def _bad(code: str, message: Message, value: str, field: str) -> InvalidInput:
    return InvalidInput(code, message, params={"value": value[:SHOWN_VALUE]}, field=field)


def _date(params: QueryDict, field: str) -> date | None:
    raw = params.get(field, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise _bad(
            "portal.bad_date", _("日期“%(value)s”无效，请按 2024-05-22 的格式填写"), raw, field
        ) from None


def parse(params: QueryDict, choices: Choices) -> Filters:
    unit = params.get("unit", "").strip()
    if unit and unit not in {u.code for u in choices.units}:
        raise _bad("portal.bad_unit", _("没有代码为“%(value)s”的单位"), unit, "unit")
    region = params.get("region", "").strip()
    if region and region not in {r.code for r in choices.regions}:
        raise _bad("portal.bad_region", _("“%(value)s”不是州（市）的区划代码"), region, "region")
    category = params.get("category", "").strip()
    if category and category not in choices.categories:
        raise _bad("portal.bad_category", _("类别“%(value)s”不在可选范围内"), category, "category")
    date_from, date_to = _date(params, "date_from"), _date(params, "date_to")
    if date_from and date_to and date_from > date_to:
        raise InvalidInput(
            "portal.date_range",
            _("起始日期 %(start)s 晚于截止日期 %(end)s"),
            params={"start": date_from.isoformat(), "end": date_to.isoformat()},
            field="date_from",
        )
    return Filters(unit, region, date_from, date_to, category)


def with_category(records: QuerySet[CreditRecord], value: str) -> QuerySet[CreditRecord]:
    """Records whose `categories` list holds `value`.

    PostgreSQL has JSON containment; SQLite has none in Django, so its `json_each`
    table-valued function looks inside the list instead.
    """
    if connection.vendor == "postgresql":
        return records.filter(categories__contains=[value])
    table = connection.ops.quote_name(CreditRecord._meta.db_table)
    inside = RawSQL(
        f"EXISTS (SELECT 1 FROM json_each({table}.categories) WHERE json_each.value = %s)",
        (value,),
        output_field=BooleanField(),
    )
    return records.filter(inside)


def apply(records: QuerySet[CreditRecord], filters: Filters) -> QuerySet[CreditRecord]:
    if filters.unit:
        records = records.filter(unit__code=filters.unit)
    if filters.region:
        records = records.filter(
            Q(subject__region_id=filters.region) | Q(subject__region__parent_id=filters.region)
        )
    if filters.date_from:
        records = records.filter(decision_date__gte=filters.date_from)
    if filters.date_to:
        records = records.filter(decision_date__lte=filters.date_to)
    if filters.category:
        records = with_category(records, filters.category)
    return records
