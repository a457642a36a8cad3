"""Audit action codes of the evaluation app (信用评价)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "xinyong.evaluation.run": _("运行信用评价"),
    "xinyong.evaluation.inspection_drawn": _("按信用等级随机抽取检查对象"),
    "xinyong.evaluation.inspection_results": _("关联随机抽查的检查结果"),
}
