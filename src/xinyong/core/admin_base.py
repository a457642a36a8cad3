"""A ModelAdmin whose changes also go to the hash-chained audit log.

Django's admin already calls `log_addition`, `log_change` and `log_deletions` for every
change it makes; extending those three hooks covers all admin pages at once.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from xinyong.core import audit


class AuditedAdmin(admin.ModelAdmin):
    def _actor(self, request: HttpRequest) -> audit.Actor:
        return audit.Actor.for_user(request.user)

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        audit.record("xinyong.admin.added", self._actor(request), obj, {"repr": str(obj)})
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        audit.record(
            "xinyong.admin.changed",
            self._actor(request),
            obj,
            {"repr": str(obj), "change": message},
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        for obj in queryset:
            audit.record("xinyong.admin.deleted", self._actor(request), obj, {"repr": str(obj)})
        return super().log_deletions(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that are only ever written by services (audit events, pack loads)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
