"""The catalogue of credit record types (信用信息目录); records come with ingestion."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.policy.models import Basis


class RecordType(Basis):
    """A kind of credit record the platform collects, with its standard fields."""

    class Category(models.TextChoices):
        # The groups a subject page shows, as 信用中国 groups them.
        LICENSING = "licensing", _("行政许可")
        PENALTY = "penalty", _("行政处罚")
        REWARD = "reward", _("守信激励")
        PUNISHMENT = "punishment", _("失信惩戒")
        WATCH = "watch", _("重点关注")
        QUALIFICATION = "qualification", _("资质资格")
        RISK = "risk", _("风险提示")
        OTHER = "other", _("其他")

    class Nature(models.TextChoices):
        POSITIVE = "positive", _("正面")
        NEGATIVE = "negative", _("负面")
        NEUTRAL = "neutral", _("中性")

    code = models.SlugField(_("标识"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    category = models.CharField(_("信息类别"), max_length=20, choices=Category.choices)
    nature = models.CharField(_("性质"), max_length=10, choices=Nature.choices)
    public_for_persons = models.BooleanField(_("自然人信息可公示"), default=False)
    description = models.TextField(_("说明"), blank=True)
    fields = models.JSONField(_("标准字段"), default=list, blank=True)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("信用信息类型")
        verbose_name_plural = _("信用信息目录")

    def __str__(self) -> str:
        return self.name
