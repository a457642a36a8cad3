"""Audit action codes of the records app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "xinyong.batch.imported": _("导入一批信用记录"),
    "xinyong.batch.failed": _("导入失败"),
    "xinyong.file.stored": _("保存上传文件"),
    "xinyong.batch.error_report_exported": _("导出错误报告（含完整证件号码）"),
    "xinyong.quarantine.resubmitted": _("重新提交更正后的行"),
    "xinyong.quarantine.discarded": _("放弃待更正的行"),
    "xinyong.record.disputed": _("标注信用记录异议"),
    "xinyong.record.dispute_cleared": _("取消信用记录异议标注"),
    "xinyong.record.corrected": _("更正信用记录"),
    "xinyong.record.revoked": _("撤销信用记录"),
    "xinyong.record.repaired": _("信用修复：提前停止公示"),
    "xinyong.record.publicity_ended": _("信用记录公示期届满"),
    "xinyong.record.publicity_recomputed": _("按现行规则重新计算信用记录公示期"),
}
