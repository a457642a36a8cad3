"""Read-only admin: objections and repairs change only through their procedures
(`rights.objections`, `rights.repairs`), which keep the history and the audit log.
The applicant's contact is encrypted and left out."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinyong.core.admin_base import ReadOnlyAdmin
from xinyong.rights.models import Objection, ObjectionEvent, RepairApplication, RepairEvent

_HIDDEN = ["applicant_contact_enc", "attachments"]


class _Events(admin.TabularInline):
    extra = 0
    can_delete = False
    readonly_fields = ["at", "action", "actor", "note", "data", "public"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ObjectionEventInline(_Events):
    model = ObjectionEvent


class RepairEventInline(_Events):
    model = RepairEvent


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["reference", "status", "ground", "unit", "due_on", "filed_at"]
    list_filter = ["status", "channel"]
    search_fields = ["reference"]
    exclude = _HIDDEN
    inlines = [ObjectionEventInline]


@admin.register(RepairApplication)
class RepairApplicationAdmin(ReadOnlyAdmin):
    list_display = ["reference", "status", "method", "unit", "due_on", "filed_at"]
    list_filter = ["status", "method", "channel"]
    search_fields = ["reference"]
    exclude = _HIDDEN
    inlines = [RepairEventInline]
