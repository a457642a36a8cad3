"""Audit action codes of the accounts app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "xinyong.token.created": _("创建接口令牌"),
    "xinyong.token.revoked": _("吊销接口令牌"),
    "xinyong.user.demo_operator": _("创建或重置演示运营账号"),
}
