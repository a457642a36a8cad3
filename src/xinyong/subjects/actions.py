"""Audit action codes of the subjects app, with their labels."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "xinyong.demo.generated": _("生成演示主体数据"),
    "xinyong.subject.created": _("新增信用主体"),
    "xinyong.subject.id_revealed": _("查看完整身份证件号码"),
}
