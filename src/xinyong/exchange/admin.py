"""Read-only admin for the outbox: messages are written by the procedures that owe them."""

from __future__ import annotations

from django.contrib import admin

from xinyong.core.admin_base import ReadOnlyAdmin
from xinyong.exchange.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["key", "topic", "unit", "status", "due_by", "attempts", "created_at"]
    list_filter = ["status", "topic"]
    search_fields = ["key"]
