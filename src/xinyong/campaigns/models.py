"""The special governance campaigns (专项治理) of the seed, part 2."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.policy.models import Basis
from xinyong.subjects.models import Unit


class Campaign(Basis):
    number = models.PositiveSmallIntegerField(_("序号"), unique=True)
    code = models.SlugField(_("标识"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    summary = models.TextField(_("平台职责"), blank=True)
    targets = models.JSONField(_("量化要求"), default=list, blank=True)
    units: models.ManyToManyField[Unit, CampaignUnit] = models.ManyToManyField(
        Unit, through="CampaignUnit", related_name="campaigns", verbose_name=_("单位")
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("专项治理")
        verbose_name_plural = _("专项治理")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def units_in_role(self, role: str) -> list[Unit]:
        return [link.unit for link in self.links.all() if link.role == role]


class CampaignUnit(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("牵头单位")
        PARTICIPANT = "participant", _("参与单位")

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="links")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="campaign_links")
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["campaign", "role", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="campaign_unit_once"),
        ]
        verbose_name = _("专项治理单位")
        verbose_name_plural = _("专项治理单位")

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.unit} {self.role}"
