from __future__ import annotations

from django.contrib import admin

from xinyong.core.admin_base import AuditedAdmin
from xinyong.records.models import RecordType


@admin.register(RecordType)
class RecordTypeAdmin(AuditedAdmin):
    list_display = ["code", "name", "category", "nature", "public_for_persons", "active"]
    list_filter = ["category", "nature", "active"]
