"""Audit action codes of the lists app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "xinyong.entry.proposed": _("提出列入名单"),
    "xinyong.entry.notified": _("告知拟列入名单"),
    "xinyong.entry.defence": _("记录陈述申辩"),
    "xinyong.entry.listed": _("决定列入名单"),
    "xinyong.entry.declined": _("决定不予列入名单"),
    "xinyong.entry.published": _("公开名单条目"),
    "xinyong.entry.exited": _("移出名单"),
    "xinyong.entry.imported": _("导入名单条目"),
    "xinyong.detection.run": _("运行名单发现规则"),
    "xinyong.check.made": _("联合奖惩核查"),
    "xinyong.check.feedback": _("联合奖惩执行反馈"),
    "xinyong.entry.batch_imported": _("批量导入名单条目（文件或接口）"),
    "xinyong.entry.disputed": _("标注名单条目异议"),
    "xinyong.entry.dispute_cleared": _("取消名单条目异议标注"),
}
