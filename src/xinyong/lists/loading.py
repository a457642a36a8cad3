"""Apply `lists.yaml` and `measures.yaml` of a validated pack (called by the policy loader).

Order matters: scenes and lists before measures, measures before the memoranda that bind
them. Links (a measure's units and scenes, a memorandum's lists and measures) are
replaced as a whole when they differ, so an unchanged pack writes nothing.
"""

from __future__ import annotations

from typing import Any

from xinyong.campaigns.models import Campaign
from xinyong.lists.models import (
    CreditList,
    Measure,
    MeasureScene,
    MeasureUnit,
    Memorandum,
    MemorandumList,
    MemorandumMeasure,
    Scene,
)
from xinyong.policy import schema
from xinyong.policy.reader import Pack
from xinyong.policy.references import UnitIndex
from xinyong.policy.upsert import Upserter
from xinyong.subjects.models import Unit


def apply_lists_and_measures(pack: Pack, upserter: Upserter) -> None:
    units = _UnitIds(pack)
    scenes = _apply_scenes(pack.measures.scenes, upserter)
    lists = _apply_lists(pack.lists.lists, units, upserter)
    measures = _apply_measures(pack.measures.measures, units, scenes, upserter)
    _apply_memoranda(pack.measures.memoranda, lists, measures, upserter)


class _UnitIds:
    """Unit references of the pack (code, name, short name, alias) → database ids."""

    def __init__(self, pack: Pack) -> None:
        self.index = UnitIndex(pack.expanded_units)
        self.ids = dict(Unit.objects.values_list("code", "pk"))

    def __call__(self, reference: str) -> int:
        return self.ids[self.index.resolve(reference)]


def _basis(ref: schema.BasisRef) -> dict[str, Any]:
    return {"basis_source_id": ref.source, "basis_section": ref.section}


def _apply_scenes(specs: list[schema.SceneSpec], upserter: Upserter) -> dict[str, int]:
    ids: dict[str, int] = {}
    for position, spec in enumerate(specs):
        values = {"name": spec.name, "description": spec.description, "position": position}
        scene = upserter.upsert(Scene, {"code": spec.code}, {**values, "active": True})
        ids[spec.code] = scene.pk
    upserter.retire_others(Scene, "code", ids)
    return ids


def _apply_lists(
    specs: list[schema.CreditListSpec], units: _UnitIds, upserter: Upserter
) -> dict[str, int]:
    campaigns = dict(Campaign.objects.values_list("code", "pk"))
    ids: dict[str, int] = {}
    for position, spec in enumerate(specs):
        values = {
            "name": spec.name,
            "kind": spec.kind,
            "serious": spec.serious,
            "owner_id": units(spec.owner),
            "campaign_id": campaigns[spec.campaign] if spec.campaign else None,
            "subject_kinds": spec.subject_kinds,
            "criteria": spec.criteria,
            "terms": [term.model_dump(mode="json") for term in spec.terms],
            "exit_conditions": spec.exit_conditions,
            "exit_procedure": spec.exit_procedure,
            "public": spec.public,
            "note": spec.note,
            "position": position,
            "active": True,
            **_basis(spec.basis),
        }
        ids[spec.code] = upserter.upsert(CreditList, {"code": spec.code}, values).pk
    upserter.retire_others(CreditList, "code", ids)
    return ids


def _apply_measures(
    specs: list[schema.MeasureSpec],
    units: _UnitIds,
    scenes: dict[str, int],
    upserter: Upserter,
) -> dict[str, int]:
    ids: dict[str, int] = {}
    for position, spec in enumerate(specs):
        values = {
            "name": spec.name,
            "kind": spec.kind,
            "description": spec.description,
            "condition": spec.condition,
            "subject_kinds": spec.subject_kinds,
            "all_units": spec.all_units,
            "position": position,
            "active": True,
            **_basis(spec.basis),
        }
        measure = upserter.upsert(Measure, {"code": spec.code}, values)
        ids[spec.code] = measure.pk
        unit_rows = [(units(ref), order) for order, ref in enumerate(spec.implementing_units)]
        upserter.sync_links(measure, MeasureUnit, "measure", ("unit_id", "position"), unit_rows)
        scene_rows = [(scenes[code],) for code in spec.scenes]
        upserter.sync_links(measure, MeasureScene, "measure", ("scene_id",), scene_rows)
    upserter.retire_others(Measure, "code", ids)
    return ids


def _apply_memoranda(
    specs: list[schema.MemorandumSpec],
    lists: dict[str, int],
    measures: dict[str, int],
    upserter: Upserter,
) -> None:
    codes = []
    for position, spec in enumerate(specs):
        values = {
            "name": spec.name,
            "kind": spec.kind,
            "summary": spec.summary,
            "position": position,
            "active": True,
            **_basis(spec.basis),
        }
        memo = upserter.upsert(Memorandum, {"code": spec.code}, values)
        codes.append(spec.code)
        list_rows = [(lists[code],) for code in spec.lists]
        upserter.sync_links(memo, MemorandumList, "memorandum", ("credit_list_id",), list_rows)
        measure_rows = [
            (measures[bound.measure], bound.section, bound.subject_kinds, order)
            for order, bound in enumerate(spec.measures)
        ]
        fields = ("measure_id", "section", "subject_kinds", "position")
        upserter.sync_links(memo, MemorandumMeasure, "memorandum", fields, measure_rows)
    upserter.retire_others(Memorandum, "code", codes)
