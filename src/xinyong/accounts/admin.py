from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from xinyong.accounts.models import ApiToken, User
from xinyong.core.admin_base import AuditedAdmin


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "first_name", "unit", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups", "unit"]
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("所属单位"), {"fields": ("unit",)}))
    raw_id_fields = ["unit"]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ["prefix", "name", "unit", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["unit"]
    readonly_fields = ["prefix", "digest", "created_at", "created_by", "last_used_at"]

    def has_add_permission(self, request: object) -> bool:
        # A token's secret is shown once at creation; `xinyong token create` does that.
        return False
