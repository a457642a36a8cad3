"""Audit action codes of the core app, with their labels."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "xinyong.calendar.year_loaded": _("载入年度节假日安排"),
    "xinyong.calendar.day_changed": _("修改节假日或调休日"),
    "xinyong.calendar.day_deleted": _("删除节假日或调休日"),
    "xinyong.admin.added": _("在管理后台新增"),
    "xinyong.admin.changed": _("在管理后台修改"),
    "xinyong.admin.deleted": _("在管理后台删除"),
}
