"""Read-only admin: lists, scenes, measures and memoranda change only through the pack.

List entries, check receipts and feedback are read-only too: entries change only through
due process (`xinyong.lists.entries`, the console's entry pages), which writes the history
and the audit log; receipts and feedback are what a check answered and what a unit
reported, kept as they were. A receipt's compressed results are left out of the admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from xinyong.core.admin_base import ReadOnlyAdmin
from xinyong.lists.models import (
    CheckFeedback,
    CheckReceipt,
    CreditList,
    EntryEvent,
    ListEntry,
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


class EntryEventInline(ReadOnlyInline):
    model = EntryEvent
    fields = ["at", "action", "actor", "note", "data"]
    readonly_fields = ["at", "action", "actor", "note", "data"]
    ordering = ["at", "id"]


@admin.register(ListEntry)
class ListEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "credit_list",
        "subject",
        "subject_code",
        "status",
        "origin",
        "unit",
        "defence_until",
        "starts_on",
        "ends_on",
    ]
    list_filter = ["status", "origin", "credit_list"]
    list_select_related = ["credit_list", "subject", "unit"]
    # By reference, name or USCC; never by ID number (only a blind index is stored).
    search_fields = ["reference", "subject__name", "subject__uscc"]
    date_hierarchy = "proposed_at"
    exclude = ["evidence"]
    readonly_fields = ["reference", "subject_code", "console_link"]
    inlines = [EntryEventInline]

    @admin.display(description=_("统一社会信用代码或身份证件号码"))
    def subject_code(self, obj: ListEntry) -> str:
        return obj.subject.display_code  # a person's ID number masked

    @admin.display(description=_("管理台"))
    def console_link(self, obj: ListEntry) -> str:
        url = reverse("console:entry", args=[obj.reference])
        return format_html('<a href="{}">{}</a>', url, _("在管理台办理"))


@admin.register(CheckReceipt)
class CheckReceiptAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "created_at",
        "unit",
        "scene",
        "subject_count",
        "matched_count",
        "listed_count",
        "actor",
    ]
    list_filter = ["scene", "unit"]
    list_select_related = ["unit", "scene"]
    search_fields = ["reference", "purpose"]
    date_hierarchy = "created_at"
    # The results blob (compressed JSON) is for the receipt's own view, not the admin.
    exclude = ["results"]


@admin.register(CheckFeedback)
class CheckFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["receipt", "measure", "subject", "unit", "applied", "amount", "created_at"]
    list_filter = ["applied", "unit"]
    list_select_related = ["receipt", "measure", "subject", "unit"]
    search_fields = ["receipt__reference", "subject__name", "subject__uscc"]
    date_hierarchy = "created_at"
