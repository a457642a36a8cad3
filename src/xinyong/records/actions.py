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
}
