"""Apply a validated policy pack to the database (`xinyong policy load DIR`).

1. `read_pack` validates every file and reference; a bad pack changes nothing.
2. One transaction applies sources, regions, units, the catalogue, rules, campaigns,
   scenes, lists, measures, memoranda and the calendar, in that order (later ones refer
   to earlier ones). A failure rolls the whole load back, so the old policy stays in
   force.
3. Each object is created, updated or left alone by comparing values, so loading the
   same pack twice changes nothing and writes no audit event the second time. Objects
   the pack no longer lists are deactivated, not deleted: records still refer to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from xinyong.campaigns.models import Campaign, CampaignUnit
from xinyong.core import audit
from xinyong.lists.loading import apply_lists_and_measures
from xinyong.policy import schema
from xinyong.policy.models import PackLoad, Rule, Source
from xinyong.policy.reader import Pack, read_pack
from xinyong.policy.references import UnitIndex
from xinyong.policy.upsert import Upserter
from xinyong.records.models import RecordType
from xinyong.subjects.models import Region, Unit


@dataclass
class LoadResult:
    pack: Pack
    changed: bool
    summary: dict[str, dict[str, int]]


def load_pack(directory: str | Path, actor: audit.Actor) -> LoadResult:
    pack = read_pack(directory)
    with transaction.atomic():
        upserter = Upserter(actor)
        _apply_sources(pack, upserter)
        _apply_regions(pack, upserter)
        _apply_units(pack, upserter)
        _apply_catalogue(pack, upserter)
        _apply_rules(pack, upserter)
        _apply_campaigns(pack, upserter)
        apply_lists_and_measures(pack, upserter)
        upserter.flush()
        calendar_years = _apply_calendar(pack, actor)
        summary = upserter.summary()
        if calendar_years:
            summary["core.calendaryear"] = {"created": len(calendar_years)}
        changed = upserter.changed or bool(calendar_years)
        if changed:
            manifest = pack.manifest
            PackLoad.objects.create(
                pack_id=manifest.id,
                version=manifest.version,
                digest=pack.digest,
                loaded_by=actor.label,
                summary=summary,
            )
            audit.record(
                "xinyong.policy.loaded",
                actor,
                object_type="policy.pack",
                object_id=manifest.id,
                data={"version": manifest.version, "digest": pack.digest, "summary": summary},
            )
    return LoadResult(pack, changed, summary)


def _basis(ref: schema.BasisRef) -> dict[str, Any]:
    return {"basis_source_id": ref.source, "basis_section": ref.section}


def _apply_sources(pack: Pack, upserter: Upserter) -> None:
    for spec in pack.sources.sources:
        upserter.upsert(Source, {"key": spec.key}, spec.model_dump(exclude={"key"}))


def _apply_regions(pack: Pack, upserter: Upserter) -> None:
    province = pack.regions.province
    top = upserter.upsert(
        Region,
        {"code": province.code},
        {
            "name": province.name,
            "short_name": province.short_name,
            "level": Region.Level.PROVINCE,
            "parent": None,
            "former_codes": [],
        },
    )
    for prefecture in pack.regions.prefectures:
        middle = upserter.upsert(
            Region,
            {"code": prefecture.code},
            {
                "name": prefecture.name,
                "short_name": prefecture.short_name,
                "level": Region.Level.PREFECTURE,
                "parent": top,
                "former_codes": prefecture.former_codes,
            },
        )
        for county in prefecture.counties:
            upserter.upsert(
                Region,
                {"code": county.code},
                {
                    "name": county.name,
                    "short_name": county.short_name,
                    "level": Region.Level.COUNTY,
                    "parent": middle,
                    "former_codes": county.former_codes,
                },
            )


def _apply_units(pack: Pack, upserter: Upserter) -> None:
    for spec in pack.expanded_units:
        upserter.upsert(
            Unit,
            {"code": spec.code},
            {
                "code_kind": spec.code_kind,
                "name": spec.name,
                "short_name": spec.short_name,
                "aliases": spec.aliases,
                "region_id": spec.region,
                "kind": spec.kind,
                "active": True,
            },
        )
    upserter.retire_others(Unit, "code", [spec.code for spec in pack.expanded_units])


def _apply_catalogue(pack: Pack, upserter: Upserter) -> None:
    data_format = pack.catalogue.model_dump(mode="json", exclude={"record_types"})
    for spec in pack.catalogue.record_types:
        upserter.upsert(
            RecordType,
            {"code": spec.code},
            {
                "name": spec.name,
                "category": spec.category,
                "nature": spec.nature,
                "public_for_persons": spec.public_for_persons,
                "description": spec.description,
                "fields": [field.model_dump(mode="json") for field in spec.fields],
                "data_format": data_format,
                "reported_by": spec.reported_by,
                "active": True,
                **_basis(spec.basis),
            },
        )
    upserter.retire_others(RecordType, "code", [s.code for s in pack.catalogue.record_types])


def _apply_rules(pack: Pack, upserter: Upserter) -> None:
    for spec in pack.rules.rules:
        body = spec.model_dump(
            mode="json", exclude={"key", "name", "basis", "effective_from", "effective_to"}
        )
        upserter.upsert(
            Rule,
            {"key": spec.key},
            {
                "kind": spec.kind,
                "name": spec.name,
                "effective_from": spec.effective_from,
                "effective_to": spec.effective_to,
                "body": body,
                "active": True,
                **_basis(spec.basis),
            },
        )
    upserter.retire_others(Rule, "key", [spec.key for spec in pack.rules.rules])


def _apply_campaigns(pack: Pack, upserter: Upserter) -> None:
    index = UnitIndex(pack.expanded_units)
    units = {unit.code: unit for unit in Unit.objects.all()}
    for spec in pack.campaigns.campaigns:
        campaign = upserter.upsert(
            Campaign,
            {"number": spec.number},
            {
                "code": spec.code,
                "name": spec.name,
                "name_en": spec.name_en,
                "summary": spec.summary,
                "targets": [target.model_dump(mode="json") for target in spec.targets],
                **_basis(spec.basis),
            },
        )
        wanted = [
            (units[index.resolve(ref)].pk, CampaignUnit.Role.LEAD, position)
            for position, ref in enumerate(spec.lead)
        ]
        wanted += [
            (units[index.resolve(ref)].pk, CampaignUnit.Role.PARTICIPANT, position)
            for position, ref in enumerate(spec.participants)
        ]
        _sync_campaign_units(campaign, wanted, upserter)


def _sync_campaign_units(
    campaign: Campaign, wanted: Sequence[tuple[int, str, int]], upserter: Upserter
) -> None:
    current = sorted(campaign.links.values_list("unit_id", "role", "position"))
    if current == sorted(wanted):
        return
    outcome = "updated" if current else "created"
    campaign.links.all().delete()
    CampaignUnit.objects.bulk_create(
        CampaignUnit(campaign=campaign, unit_id=unit_id, role=role, position=position)
        for unit_id, role, position in wanted
    )
    upserter.log(
        "xinyong.policy.object_updated",
        campaign,
        {"units": [[unit_id, role] for unit_id, role, _ in wanted]},
    )
    upserter.count(CampaignUnit, outcome)


def _apply_calendar(pack: Pack, actor: audit.Actor) -> list[int]:
    from xinyong.core import calendar

    loaded: list[int] = []
    if pack.calendar.seed_from_library:
        loaded += calendar.seed_from_library(actor)
    for schedule in pack.calendar.years:
        if calendar.load_year_if_changed(schedule, actor, source=f"pack {pack.manifest.id}"):
            loaded.append(schedule.year)
    return loaded
