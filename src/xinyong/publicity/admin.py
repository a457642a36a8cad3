"""Read-only admin: articles change only through `xinyong.publicity.articles`, which
checks them and keeps the audit log."""

from __future__ import annotations

from django.contrib import admin

from xinyong.core.admin_base import ReadOnlyAdmin
from xinyong.publicity.models import Article


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "unit", "published_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    raw_id_fields = ["subject"]
