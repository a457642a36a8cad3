"""API tokens: created once, shown once, stored as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.accounts.models import ApiToken
from xinyong.accounts.roles import Scope
from xinyong.core import audit
from xinyong.core.errors import InvalidInput, NotFound
from xinyong.subjects.services import find_unit

# Writing last_used_at on every request would turn every read into a write; once a
# minute is precise enough to see which tokens are in use.
_TOUCH_INTERVAL = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown or not scopes:
        raise InvalidInput(
            "token.scope",
            _("未知或缺少权限范围：%(scopes)s；可选：%(known)s"),
            params={"scopes": ", ".join(unknown) or "-", "known": ", ".join(Scope.values)},
        )
    return sorted(set(scopes))


def create_token(
    unit_code: str,
    scopes: list[str],
    actor: audit.Actor,
    name: str = "",
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is not stored anywhere."""
    unit = find_unit(unit_code)
    prefix = secrets.token_hex(4)
    secret = f"xy_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name,
        unit=unit,
        scopes=check_scopes(scopes),
        prefix=prefix,
        digest=_digest(secret),
        created_by=actor.label,
        expires_at=expires_at,
    )
    audit.record(
        "xinyong.token.created",
        actor,
        token,
        {"unit": unit.code, "scopes": token.scopes, "prefix": prefix},
    )
    return token, secret


def authenticate(secret: str) -> ApiToken | None:
    token = ApiToken.objects.select_related("unit").filter(digest=_digest(secret)).first()
    if token is None or not token.is_usable or not token.unit.active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def revoke_token(prefix: str, actor: audit.Actor) -> ApiToken:
    token = ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound(
            "token.unknown", _("没有前缀为 %(prefix)s 的有效令牌"), params={"prefix": prefix}
        )
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record("xinyong.token.revoked", actor, token, {"prefix": prefix})
    return token
