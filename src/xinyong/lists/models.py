"""Lists (名单), scenes (应用场景), measures (奖惩措施) and memoranda (合作备忘录).

All four come from the policy pack (`lists.yaml`, `measures.yaml`) and are written only
by the loader. A measure applies to a subject on a list only through a memorandum that
binds the list to the measure; `xinyong.lists.services.measures_for` follows that path.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.campaigns.models import Campaign
from xinyong.policy import schema
from xinyong.policy.models import Basis
from xinyong.subjects.models import Unit


class MeasureKind(models.TextChoices):
    INCENTIVE = "incentive", _("守信激励")
    PUNISHMENT = "punishment", _("失信惩戒")


class PackObject(models.Model):
    """Abstract: a code, the pack's order, and `active` (dropped from the pack = retired)."""

    code = models.SlugField(_("标识"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "code"]


class Scene(PackObject):
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)

    class Meta(PackObject.Meta):
        verbose_name = _("应用场景")
        verbose_name_plural = _("应用场景")

    def __str__(self) -> str:
        return self.name


class CreditList(PackObject, Basis):
    class Kind(models.TextChoices):
        RED = "red", _("红名单")
        BLACK = "black", _("黑名单")
        WATCH = "watch", _("重点关注名单")

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("名单类型"), max_length=8, choices=Kind.choices)
    serious = models.BooleanField(_("严重失信主体名单"), default=False)
    owner = models.ForeignKey(
        Unit, models.PROTECT, related_name="credit_lists", verbose_name=_("认定单位")
    )
    campaign = models.ForeignKey(
        Campaign,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_lists",
        verbose_name=_("专项治理"),
    )
    subject_kinds = models.JSONField(_("适用主体类别"), default=list)
    criteria = models.TextField(_("认定标准"))
    terms = models.JSONField(_("期限"), default=list)
    exit_conditions = models.TextField(_("移出条件"))
    exit_procedure = models.TextField(_("移出程序"))
    public = models.BooleanField(_("向社会公开"))
    note = models.TextField(_("说明"), blank=True)

    class Meta(PackObject.Meta):
        verbose_name = _("名单")
        verbose_name_plural = _("名单")

    def __str__(self) -> str:
        return self.name

    def list_terms(self) -> list[schema.ListTerm]:
        """The terms as the pack's validated model (periods parsed), never raw JSON."""
        return [schema.ListTerm.model_validate(term) for term in self.terms]


class Measure(PackObject, Basis):
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("措施类型"), max_length=12, choices=MeasureKind.choices)
    description = models.TextField(_("内容"), blank=True)
    condition = models.TextField(_("适用条件"), blank=True)
    subject_kinds = models.JSONField(_("适用主体类别"), default=list)
    all_units = models.BooleanField(_("各有关部门按职责实施"), default=False)
    units: models.ManyToManyField[Unit, MeasureUnit] = models.ManyToManyField(
        Unit, through="MeasureUnit", related_name="measures", verbose_name=_("实施单位")
    )
    scenes: models.ManyToManyField[Scene, MeasureScene] = models.ManyToManyField(
        Scene, through="MeasureScene", related_name="measures", verbose_name=_("应用场景")
    )

    class Meta(PackObject.Meta):
        verbose_name = _("奖惩措施")
        verbose_name_plural = _("奖惩措施")

    def __str__(self) -> str:
        return self.name


class MeasureUnit(models.Model):
    measure = models.ForeignKey(Measure, models.CASCADE, related_name="unit_links")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="measure_links")
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["measure", "position"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "unit"], name="measure_unit_once"),
        ]
        verbose_name = _("措施实施单位")
        verbose_name_plural = _("措施实施单位")

    def __str__(self) -> str:
        return f"{self.measure_id} {self.unit}"


class MeasureScene(models.Model):
    measure = models.ForeignKey(Measure, models.CASCADE, related_name="scene_links")
    scene = models.ForeignKey(Scene, models.PROTECT, related_name="measure_links")

    class Meta:
        ordering = ["measure", "scene"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "scene"], name="measure_scene_once"),
        ]
        verbose_name = _("措施应用场景")
        verbose_name_plural = _("措施应用场景")

    def __str__(self) -> str:
        return f"{self.measure_id} {self.scene}"


class Memorandum(PackObject, Basis):
    """A joint memorandum, or a policy document acting as one, that binds lists to measures."""

    name = models.CharField(_("名称"), max_length=300)
    kind = models.CharField(_("类型"), max_length=12, choices=MeasureKind.choices)
    summary = models.TextField(_("摘要"), blank=True)
    lists: models.ManyToManyField[CreditList, MemorandumList] = models.ManyToManyField(
        CreditList, through="MemorandumList", related_name="memoranda", verbose_name=_("名单")
    )
    measures: models.ManyToManyField[Measure, MemorandumMeasure] = models.ManyToManyField(
        Measure,
        through="MemorandumMeasure",
        related_name="memoranda",
        verbose_name=_("奖惩措施"),
    )

    class Meta(PackObject.Meta):
        verbose_name = _("合作备忘录")
        verbose_name_plural = _("合作备忘录")

    def __str__(self) -> str:
        return self.name


class MemorandumList(models.Model):
    memorandum = models.ForeignKey(Memorandum, models.CASCADE, related_name="list_links")
    credit_list = models.ForeignKey(
        CreditList, models.PROTECT, related_name="memorandum_links", verbose_name=_("名单")
    )

    class Meta:
        ordering = ["memorandum", "credit_list"]
        constraints = [
            models.UniqueConstraint(
                fields=["memorandum", "credit_list"], name="memorandum_list_once"
            ),
        ]
        verbose_name = _("备忘录适用名单")
        verbose_name_plural = _("备忘录适用名单")

    def __str__(self) -> str:
        return f"{self.memorandum_id} {self.credit_list}"


class MemorandumMeasure(models.Model):
    memorandum = models.ForeignKey(Memorandum, models.CASCADE, related_name="measure_links")
    measure = models.ForeignKey(
        Measure, models.PROTECT, related_name="memorandum_links", verbose_name=_("奖惩措施")
    )
    section = models.CharField(_("备忘录条款"), max_length=200, blank=True)
    # Empty: every subject kind the measure applies to; otherwise only these.
    subject_kinds = models.JSONField(_("适用主体类别"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["memorandum", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["memorandum", "measure"], name="memorandum_measure_once"
            ),
        ]
        verbose_name = _("备忘录措施")
        verbose_name_plural = _("备忘录措施")

    def __str__(self) -> str:
        return f"{self.memorandum_id} {self.measure}"

    def applies_to(self, subject_kind: str) -> bool:
        kinds = self.subject_kinds or self.measure.subject_kinds
        return subject_kind in kinds and subject_kind in self.measure.subject_kinds
