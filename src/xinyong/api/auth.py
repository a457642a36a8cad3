"""Bearer-token authentication for the API, and the scope check handlers call."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer

from xinyong.accounts.models import ApiToken
from xinyong.accounts.tokens import authenticate
from xinyong.core.errors import PermissionDenied


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return authenticate(token)


def require_scope(request: HttpRequest, scope: str) -> ApiToken:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if scope not in token.scopes:
        raise PermissionDenied(
            "auth.scope", _("该令牌没有“%(scope)s”权限范围"), params={"scope": scope}
        )
    return token
