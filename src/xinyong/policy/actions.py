"""Audit action codes of the policy app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "xinyong.policy.loaded": _("载入政策包"),
    "xinyong.policy.object_created": _("政策包新增对象"),
    "xinyong.policy.object_updated": _("政策包修改对象"),
    "xinyong.policy.object_retired": _("政策包停用对象"),
}
