from __future__ import annotations

from django.contrib import admin

from xinyong.core.admin_base import AuditedAdmin, ReadOnlyAdmin
from xinyong.policy.models import PackLoad, Rule, Source


@admin.register(Source)
class SourceAdmin(AuditedAdmin):
    list_display = ["key", "title", "document_number", "kind", "issued_on"]
    search_fields = ["key", "title", "document_number"]


@admin.register(Rule)
class RuleAdmin(AuditedAdmin):
    list_display = ["key", "kind", "name", "effective_from", "effective_to", "active"]
    list_filter = ["kind", "active"]


@admin.register(PackLoad)
class PackLoadAdmin(ReadOnlyAdmin):
    list_display = ["pack_id", "version", "loaded_at", "loaded_by", "digest"]
