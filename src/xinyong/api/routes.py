"""Endpoints of the foundation: who am I, and the pack's units and campaigns."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from xinyong.accounts.models import ApiToken
from xinyong.api.auth import TokenAuth
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
