from __future__ import annotations

from django.contrib import admin

from xinyong.campaigns.models import Campaign, CampaignUnit
from xinyong.core.admin_base import AuditedAdmin


class CampaignUnitInline(admin.TabularInline):
    model = CampaignUnit
    extra = 0
    raw_id_fields = ["unit"]


@admin.register(Campaign)
class CampaignAdmin(AuditedAdmin):
    list_display = ["number", "name", "code"]
    inlines = [CampaignUnitInline]
