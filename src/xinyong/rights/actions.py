"""Audit action codes of the rights app (objections and credit repair)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "xinyong.objection.filed": _("提交异议"),
    "xinyong.objection.referred": _("异议转数据提供单位核查"),
    "xinyong.objection.unit_answered": _("数据提供单位答复异议核查"),
    "xinyong.objection.upheld": _("异议成立"),
    "xinyong.objection.rejected": _("异议不成立"),
    "xinyong.objection.withdrawn": _("撤回异议"),
    "xinyong.objection.contact_revealed": _("查看异议申请人联系方式"),
    "xinyong.repair.filed": _("提交信用修复申请"),
    "xinyong.repair.approved": _("准予信用修复"),
    "xinyong.repair.rejected": _("不予信用修复"),
    "xinyong.repair.withdrawn": _("撤回信用修复申请"),
    "xinyong.repair.contact_revealed": _("查看修复申请人联系方式"),
    "xinyong.attachment.downloaded": _("下载异议或修复申请的附件"),
}
