"""Output shapes of lists, scenes, measures and memoranda, for the API and `policy show`."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from ninja import Schema

from xinyong.lists.models import (
    CreditList,
    Measure,
    MeasureUnit,
    Memorandum,
    MemorandumMeasure,
    Scene,
)
from xinyong.lists.services import ApplicableMeasure, find_scene
from xinyong.policy.schemas import BasisOut, UnitRef
from xinyong.subjects.models import Unit


def _unit_ref(unit: Unit) -> UnitRef:
    return UnitRef(code=unit.code, name=unit.name, short_name=unit.short_name)


class SceneOut(Schema):
    code: str
    name: str
    description: str


class CreditListOut(Schema):
    code: str
    name: str
    kind: str
    serious: bool
    owner: UnitRef
    subject_kinds: list[str]
    campaign: str | None
    basis: BasisOut
    criteria: str
    terms: list[dict[str, Any]]
    exit_conditions: str
    exit_procedure: str
    public: bool
    note: str

    @classmethod
    def of(cls, item: CreditList) -> CreditListOut:
        return cls(
            code=item.code,
            name=item.name,
            kind=item.kind,
            serious=item.serious,
            owner=_unit_ref(item.owner),
            subject_kinds=item.subject_kinds,
            campaign=item.campaign.code if item.campaign else None,
            basis=BasisOut.of(item),
            criteria=item.criteria,
            terms=item.terms,
            exit_conditions=item.exit_conditions,
            exit_procedure=item.exit_procedure,
            public=item.public,
            note=item.note,
        )


class MeasureOut(Schema):
    code: str
    name: str
    kind: str
    description: str
    condition: str
    basis: BasisOut
    implementing_units: list[UnitRef]
    all_units: bool
    subject_kinds: list[str]
    scenes: list[str]
    memoranda: list[str]

    @classmethod
    def of(cls, measure: Measure) -> MeasureOut:
        return cls(
            code=measure.code,
            name=measure.name,
            kind=measure.kind,
            description=measure.description,
            condition=measure.condition,
            basis=BasisOut.of(measure),
            implementing_units=[_unit_ref(link.unit) for link in measure.unit_links.all()],
            all_units=measure.all_units,
            subject_kinds=measure.subject_kinds,
            scenes=[link.scene.code for link in measure.scene_links.all()],
            memoranda=[link.memorandum.code for link in measure.memorandum_links.all()],
        )


class BoundMeasureOut(Schema):
    measure: str
    section: str
    subject_kinds: list[str]


class MemorandumOut(Schema):
    code: str
    name: str
    kind: str
    summary: str
    basis: BasisOut
    lists: list[str]
    measures: list[BoundMeasureOut]

    @classmethod
    def of(cls, memo: Memorandum) -> MemorandumOut:
        return cls(
            code=memo.code,
            name=memo.name,
            kind=memo.kind,
            summary=memo.summary,
            basis=BasisOut.of(memo),
            lists=[link.credit_list.code for link in memo.list_links.all()],
            measures=[
                BoundMeasureOut(
                    measure=link.measure.code,
                    section=link.section,
                    subject_kinds=link.subject_kinds,
                )
                for link in memo.measure_links.all()
            ],
        )


class GroundOut(Schema):
    list: str
    list_name: str
    memorandum: str
    memorandum_name: str
    basis: BasisOut
    section: str


class ApplicableMeasureOut(Schema):
    measure: MeasureOut
    grounds: list[GroundOut]

    @classmethod
    def of(cls, applicable: ApplicableMeasure) -> ApplicableMeasureOut:
        grounds = [
            GroundOut(
                list=ground.credit_list.code,
                list_name=ground.credit_list.name,
                memorandum=ground.memorandum.code,
                memorandum_name=ground.memorandum.name,
                basis=BasisOut.of(ground.memorandum),
                section=ground.section,
            )
            for ground in applicable.grounds
        ]
        return cls(measure=MeasureOut.of(applicable.measure), grounds=grounds)


def scenes() -> list[SceneOut]:
    return [SceneOut.model_validate(scene) for scene in Scene.objects.filter(active=True)]


def credit_lists() -> list[CreditListOut]:
    query = CreditList.objects.filter(active=True).select_related(
        "owner", "campaign", "basis_source"
    )
    return [CreditListOut.of(item) for item in query]


def _measures() -> QuerySet[Measure]:
    active_links = MemorandumMeasure.objects.filter(memorandum__active=True)
    return (
        Measure.objects.filter(active=True)
        .select_related("basis_source")
        .prefetch_related(
            Prefetch("unit_links", MeasureUnit.objects.select_related("unit")),
            "scene_links__scene",
            Prefetch("memorandum_links", active_links.select_related("memorandum")),
        )
    )


def measures(scene: str | None = None) -> list[MeasureOut]:
    """Active measures, or those that apply in one scene (an unknown scene is refused)."""
    query = _measures()
    if scene is not None:
        query = query.filter(scene_links__scene=find_scene(scene))
    return [MeasureOut.of(measure) for measure in query]


def memoranda() -> list[MemorandumOut]:
    query = (
        Memorandum.objects.filter(active=True)
        .select_related("basis_source")
        .prefetch_related("list_links__credit_list", "measure_links__measure")
    )
    return [MemorandumOut.of(memo) for memo in query]
