"""Output shapes of policy data, shared by the API and `xinyong policy show`."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field

from xinyong.campaigns.models import Campaign
from xinyong.policy.models import Basis, Rule
from xinyong.records.models import RecordType
from xinyong.subjects.models import Region, Unit


class BasisOut(Schema):
    source: str
    title: str
    document_number: str
    section: str

    @classmethod
    def of(cls, obj: Basis) -> BasisOut:
        source = obj.basis_source
        return cls(
            source=source.key,
            title=source.title,
            document_number=source.document_number,
            section=obj.basis_section,
        )


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None = Field(None, alias="parent_id")


class UnitRef(Schema):
    code: str
    name: str
    short_name: str


class UnitOut(UnitRef):
    code_kind: str
    aliases: list[str]
    kind: str
    region: str
    region_name: str
    active: bool

    @classmethod
    def of(cls, unit: Unit) -> UnitOut:
        return cls(
            code=unit.code,
            name=unit.name,
            short_name=unit.short_name,
            code_kind=unit.code_kind,
            aliases=unit.aliases,
            kind=unit.kind,
            region=unit.region_id,
            region_name=unit.region.name,
            active=unit.active,
        )


class CampaignOut(Schema):
    number: int
    code: str
    name: str
    name_en: str
    summary: str
    basis: BasisOut
    lead: list[UnitRef]
    participants: list[UnitRef]
    targets: list[dict[str, Any]]

    @classmethod
    def of(cls, campaign: Campaign) -> CampaignOut:
        def refs(role: str) -> list[UnitRef]:
            return [
                UnitRef(code=u.code, name=u.name, short_name=u.short_name)
                for u in campaign.units_in_role(role)
            ]

        return cls(
            number=campaign.number,
            code=campaign.code,
            name=campaign.name,
            name_en=campaign.name_en,
            summary=campaign.summary,
            basis=BasisOut.of(campaign),
            lead=refs("lead"),
            participants=refs("participant"),
            targets=campaign.targets,
        )


class RecordTypeOut(Schema):
    code: str
    name: str
    category: str
    nature: str
    public_for_persons: bool
    basis: BasisOut
    fields: list[dict[str, Any]]

    @classmethod
    def of(cls, item: RecordType) -> RecordTypeOut:
        return cls(
            code=item.code,
            name=item.name,
            category=item.category,
            nature=item.nature,
            public_for_persons=item.public_for_persons,
            basis=BasisOut.of(item),
            fields=item.fields,
        )


class RuleOut(Schema):
    key: str
    kind: str
    name: str
    effective_from: str | None
    effective_to: str | None
    basis: BasisOut
    body: dict[str, Any]

    @classmethod
    def of(cls, rule: Rule) -> RuleOut:
        def iso(value: Any) -> str | None:
            return value.isoformat() if value else None

        return cls(
            key=rule.key,
            kind=rule.kind,
            name=rule.name,
            effective_from=iso(rule.effective_from),
            effective_to=iso(rule.effective_to),
            basis=BasisOut.of(rule),
            body=rule.body,
        )


def campaigns() -> list[CampaignOut]:
    query = Campaign.objects.select_related("basis_source").prefetch_related("links__unit")
    return [CampaignOut.of(campaign) for campaign in query]


def units(active_only: bool = True) -> list[UnitOut]:
    query = Unit.objects.select_related("region")
    if active_only:
        query = query.filter(active=True)
    return [UnitOut.of(unit) for unit in query]


def regions() -> list[RegionOut]:
    return [RegionOut.model_validate(region) for region in Region.objects.all()]


def record_types() -> list[RecordTypeOut]:
    query = RecordType.objects.filter(active=True).select_related("basis_source")
    return [RecordTypeOut.of(item) for item in query]


def rules() -> list[RuleOut]:
    query = Rule.objects.filter(active=True).select_related("basis_source")
    return [RuleOut.of(rule) for rule in query]
