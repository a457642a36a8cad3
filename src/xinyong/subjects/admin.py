from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from xinyong.core.admin_base import AuditedAdmin
from xinyong.subjects import identifiers
from xinyong.subjects.models import Region, Subject, Unit
from xinyong.subjects.services import id_number_index


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["code", "short_name", "name", "kind", "region", "active"]
    list_filter = ["kind", "active", "code_kind"]
    search_fields = ["code", "name", "short_name"]


@admin.register(Subject)
class SubjectAdmin(AuditedAdmin):
    list_display = ["name", "kind", "display_code", "region", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "uscc"]
    readonly_fields = ["public_id", "id_number_masked", "created_at", "updated_at"]
    exclude = ["id_number_enc", "id_number_index"]
    raw_id_fields = ["region"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # A full ID number is found through its blind index; nothing else matches it.
        try:
            index = id_number_index(search_term)
        except identifiers.IdentifierError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(id_number_index=index), False
