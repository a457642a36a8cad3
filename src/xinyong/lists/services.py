"""Which measures apply to a subject on some lists, in one business scene.

A measure applies only through a memorandum: the memorandum binds the list and the
measure, the measure names the scene, and both the measure and the memorandum's
binding cover the subject's kind. Every applicable measure comes with its grounds (the
list and the memorandum, with its basis), so a check can say why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from xinyong.core.errors import InvalidInput, NotFound
from xinyong.lists.models import (
    CreditList,
    Measure,
    Memorandum,
    MemorandumList,
    MemorandumMeasure,
    Scene,
)
from xinyong.subjects.models import Subject


@dataclass(frozen=True)
class Ground:
    """Why a measure applies: the list the subject is on and the memorandum binding it."""

    credit_list: CreditList
    memorandum: Memorandum
    section: str


@dataclass(frozen=True)
class ApplicableMeasure:
    measure: Measure
    grounds: tuple[Ground, ...]


def find_scene(code: str) -> Scene:
    scene = Scene.objects.filter(code=code, active=True).first()
    if scene is None:
        raise NotFound("scene.unknown", _("没有代码为“%(code)s”的应用场景"), params={"code": code})
    return scene


def measures_for(
    list_codes: Iterable[str], scene_code: str, subject_kind: str
) -> list[ApplicableMeasure]:
    """The active measures that apply, in the pack's order.

    Unknown list codes are refused; retired lists, measures and memoranda give nothing.
    """
    scene = find_scene(scene_code)
    _check_subject_kind(subject_kind)
    bindings = _bindings(set(list_codes))
    links = (
        MemorandumMeasure.objects.filter(
            memorandum_id__in=bindings, measure__active=True, measure__scene_links__scene=scene
        )
        .select_related("measure__basis_source")
        .order_by("measure__position", "memorandum__position")
    )
    found: dict[int, tuple[Measure, list[Ground]]] = {}
    for link in links:
        if link.applies_to(subject_kind):
            grounds = found.setdefault(link.measure_id, (link.measure, []))[1]
            grounds += [
                Ground(b.credit_list, b.memorandum, link.section)
                for b in bindings[link.memorandum_id]
            ]
    return [ApplicableMeasure(measure, tuple(grounds)) for measure, grounds in found.values()]


def _check_subject_kind(kind: str) -> None:
    if kind not in Subject.Kind.values:
        raise InvalidInput(
            "subject.kind_unknown",
            _("主体类别“%(kind)s”无效，应为 %(kinds)s 之一"),
            params={"kind": kind, "kinds": "、".join(Subject.Kind.values)},
        )


def _bindings(codes: set[str]) -> dict[int, list[MemorandumList]]:
    """The active memoranda binding any of these lists, each with the lists it binds."""
    unknown = codes - set(CreditList.objects.filter(code__in=codes).values_list("code", flat=True))
    if unknown:
        raise NotFound(
            "list.unknown",
            _("没有代码为“%(code)s”的名单"),
            params={"code": "、".join(sorted(unknown))},
        )
    rows = MemorandumList.objects.filter(
        credit_list__code__in=codes, credit_list__active=True, memorandum__active=True
    ).select_related("credit_list", "memorandum__basis_source")
    bindings: dict[int, list[MemorandumList]] = {}
    for row in rows.order_by("memorandum__position", "credit_list__position"):
        bindings.setdefault(row.memorandum_id, []).append(row)
    return bindings
