"""Campaigns come from the policy pack (audited admin); their tasks change only through
`xinyong.campaigns.tasks`, which keeps the history and the audit log, so the admin
shows tasks, reports and history read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinyong.campaigns.models import Campaign, CampaignTask, CampaignUnit, TaskEvent, TaskReport
from xinyong.core.admin_base import AuditedAdmin, ReadOnlyAdmin


class CampaignUnitInline(admin.TabularInline):
    model = CampaignUnit
    extra = 0
    raw_id_fields = ["unit"]


@admin.register(Campaign)
class CampaignAdmin(AuditedAdmin):
    list_display = ["number", "name", "code"]
    inlines = [CampaignUnitInline]


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TaskReportInline(_ReadOnlyInline):
    model = TaskReport
    readonly_fields = ["reported_on", "unit", "progress", "text", "author", "reported_at"]


class TaskEventInline(_ReadOnlyInline):
    model = TaskEvent
    readonly_fields = ["at", "action", "actor", "note", "data"]


@admin.register(CampaignTask)
class CampaignTaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "campaign", "owner", "due_on", "status", "progress", "done_on"]
    list_filter = ["status", "campaign"]
    search_fields = ["title"]
    inlines = [TaskReportInline, TaskEventInline]
