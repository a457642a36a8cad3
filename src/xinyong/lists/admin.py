"""Read-only admin: lists, scenes, measures and memoranda change only through the pack."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinyong.core.admin_base import ReadOnlyAdmin
from xinyong.lists.models import (
    CreditList,
    Measure,
    MeasureScene,
    MeasureUnit,
    Memorandum,
    MemorandumList,
    MemorandumMeasure,
    Scene,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MeasureUnitInline(ReadOnlyInline):
    model = MeasureUnit


class MeasureSceneInline(ReadOnlyInline):
    model = MeasureScene


class MemorandumListInline(ReadOnlyInline):
    model = MemorandumList


class MemorandumMeasureInline(ReadOnlyInline):
    model = MemorandumMeasure


@admin.register(Scene)
class SceneAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "active"]


@admin.register(CreditList)
class CreditListAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "owner", "serious", "public", "active"]
    list_filter = ["kind", "serious", "public", "active"]
    search_fields = ["code", "name"]


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name"]
    inlines = [MeasureUnitInline, MeasureSceneInline]


@admin.register(Memorandum)
class MemorandumAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "basis_source", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name"]
    inlines = [MemorandumListInline, MemorandumMeasureInline]
