"""Audit action codes of the campaigns app: the work rules' tasks (工作任务)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "xinyong.task.created": _("创建专项治理工作任务"),
    "xinyong.task.reported": _("报告工作任务进展"),
    "xinyong.task.rescheduled": _("调整工作任务完成期限"),
    "xinyong.task.completed": _("完成工作任务"),
    "xinyong.task.cancelled": _("取消工作任务"),
    "xinyong.task.reopened": _("重新打开工作任务"),
}
