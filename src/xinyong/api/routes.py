"""Endpoints of the foundation: who am I, and the pack's units, campaigns, lists,
scenes, measures and memoranda."""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from xinyong.accounts.models import ApiToken
from xinyong.api.auth import TokenAuth
from xinyong.lists import schemas as list_schemas
from xinyong.lists.services import measures_for
from xinyong.policy import schemas

router = Router()


class TokenInfo(Schema):
    prefix: str
    unit: schemas.UnitRef
    scopes: list[str]


@router.get(
    "/me",
    response=TokenInfo,
    auth=TokenAuth(),
    tags=["auth"],
    summary="The calling token's unit and scopes",
)
def me(request: HttpRequest) -> TokenInfo:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    unit = token.unit
    return TokenInfo(
        prefix=token.prefix,
        scopes=token.scopes,
        unit=schemas.UnitRef(code=unit.code, name=unit.name, short_name=unit.short_name),
    )


@router.get(
    "/units",
    response=list[schemas.UnitOut],
    tags=["policy"],
    summary="Active units of the policy pack",
)
def units(request: HttpRequest) -> list[schemas.UnitOut]:
    return schemas.units()


@router.get(
    "/campaigns",
    response=list[schemas.CampaignOut],
    tags=["policy"],
    summary="The special governance campaigns with their units and targets",
)
def campaigns(request: HttpRequest) -> list[schemas.CampaignOut]:
    return schemas.campaigns()


@router.get(
    "/lists",
    response=list[list_schemas.CreditListOut],
    tags=["policy"],
    summary="Red, black and watch lists with owner, basis, criteria, terms and exit rules",
)
def credit_lists(request: HttpRequest) -> list[list_schemas.CreditListOut]:
    return list_schemas.credit_lists()


@router.get(
    "/scenes",
    response=list[list_schemas.SceneOut],
    tags=["policy"],
    summary="Business scenes in which units check subjects",
)
def scenes(request: HttpRequest) -> list[list_schemas.SceneOut]:
    return list_schemas.scenes()


@router.get(
    "/measures",
    response=list[list_schemas.MeasureOut],
    tags=["policy"],
    summary="Incentives and punishments, optionally only those of one scene",
)
def measures(request: HttpRequest, scene: str | None = None) -> list[list_schemas.MeasureOut]:
    return list_schemas.measures(scene)


@router.get(
    "/memoranda",
    response=list[list_schemas.MemorandumOut],
    tags=["policy"],
    summary="Memoranda binding lists to measures",
)
def memoranda(request: HttpRequest) -> list[list_schemas.MemorandumOut]:
    return list_schemas.memoranda()


@router.get(
    "/scenes/{code}/measures",
    response=list[list_schemas.ApplicableMeasureOut],
    tags=["policy"],
    summary="Measures that apply in a scene to a subject kind on the given lists, and why",
)
def applicable_measures(
    request: HttpRequest,
    code: str,
    subject_kind: Literal["organisation", "individual_business", "person"],
    lists: Annotated[list[str], Query(alias="list", min_length=1)],
) -> list[list_schemas.ApplicableMeasureOut]:
    found = measures_for(lists, code, subject_kind)
    return [list_schemas.ApplicableMeasureOut.of(item) for item in found]
