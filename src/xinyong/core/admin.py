from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xinyong.core.admin_base import AuditedAdmin, ReadOnlyAdmin
from xinyong.core.models import AuditEvent, CalendarDay, CalendarYear

admin.site.site_header = _("公共信用信息平台管理后台")
admin.site.site_title = _("信用平台管理")
admin.site.index_title = _("管理")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "action", "actor", "actor_unit", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["actor", "object_id", "action"]


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin):
    list_display = ["year", "source", "loaded_at"]


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ["date", "kind", "name", "source"]
    list_filter = ["kind"]
    date_hierarchy = "date"
