"""Audit action codes of the complaints app (举报投诉)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "xinyong.complaint.filed": _("受理举报投诉登记"),
    "xinyong.complaint.accepted": _("受理举报投诉"),
    "xinyong.complaint.declined": _("不予受理举报投诉"),
    "xinyong.complaint.transferred": _("转办举报投诉"),
    "xinyong.complaint.concluded": _("办结举报投诉"),
    "xinyong.complaint.replied": _("答复举报投诉人"),
    "xinyong.complaint.rated": _("举报投诉人评价答复"),
    "xinyong.complaint.contact_revealed": _("查看举报投诉人身份和联系方式"),
    "xinyong.complaint.attachment_downloaded": _("下载举报投诉附件"),
}
