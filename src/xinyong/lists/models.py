"""Lists (名单), scenes (应用场景), measures (奖惩措施) and memoranda (合作备忘录).

All four come from the policy pack (`lists.yaml`, `measures.yaml`) and are written only
by the loader. A measure applies to a subject on a list only through a memorandum that
binds the list to the measure; `xinyong.lists.services.measures_for` follows that path.
"""

from __future__ import annotations

import secrets
from datetime import date

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


def new_entry_reference() -> str:
    """A reference a subject can quote (名单编号), unguessable so it enumerates nothing."""
    return "MD" + secrets.token_hex(6).upper()


def new_receipt_reference() -> str:
    return "HC" + secrets.token_hex(8).upper()


class ListEntry(models.Model):
    """A subject on a list (名单条目), through due process (国办发〔2020〕49号).

    proposed → notified (the subject is told the reasons, basis and rights and has until
    `defence_until` to state a defence) → listed (decided) → published; or declined.
    An entry is in effect from `starts_on` through `ends_on` (null: until the exit
    conditions are met) unless it has exited. Expiry needs no job: every query compares
    the dates with the day it asks about. `EntryEvent` keeps the full history.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("拟列入")
        NOTIFIED = "notified", _("已告知")
        LISTED = "listed", _("已列入")
        PUBLISHED = "published", _("已公开")
        DECLINED = "declined", _("不予列入")
        EXITED = "exited", _("已移出")

    class Origin(models.TextChoices):
        MANUAL = "manual", _("人工录入")
        DETECTION = "detection", _("规则发现")
        IMPORT = "import", _("文件导入")
        API = "api", _("接口报送")
        COMPLAINT = "complaint", _("举报投诉")

    class ExitReason(models.TextChoices):
        EXPIRED = "expired", _("期限届满")
        CONDITIONS_MET = "conditions_met", _("符合移出条件")
        REPAIRED = "repaired", _("信用修复")
        REVOKED = "revoked", _("撤销认定")

    # Statuses in which an entry binds (joint punishment or reward applies while in term).
    IN_FORCE = (Status.LISTED, Status.PUBLISHED)
    # Statuses that block a second entry of the same subject on the same list.
    OPEN = (Status.PROPOSED, Status.NOTIFIED, Status.LISTED, Status.PUBLISHED)

    reference = models.CharField(
        _("名单编号"), max_length=20, unique=True, default=new_entry_reference, editable=False
    )
    credit_list = models.ForeignKey(
        CreditList, models.PROTECT, related_name="entries", verbose_name=_("名单")
    )
    subject = models.ForeignKey(
        "subjects.Subject", models.PROTECT, related_name="list_entries", verbose_name=_("主体")
    )
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="list_entries", verbose_name=_("认定单位")
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    origin = models.CharField(_("来源"), max_length=10, choices=Origin.choices)
    # The detection rule's key, the import batch or the API token prefix behind the entry.
    origin_ref = models.CharField(_("来源标识"), max_length=80, blank=True)
    ground = models.CharField(_("认定情形"), max_length=200, blank=True)
    reasons = models.TextField(_("列入事实和理由"))
    document_number = models.CharField(_("认定文书号"), max_length=200, blank=True)
    evidence = models.ManyToManyField(
        "records.CreditRecord", blank=True, related_name="list_entries", verbose_name=_("依据记录")
    )
    proposed_at = models.DateTimeField(_("提出时间"))
    notified_on = models.DateField(_("告知日期"), null=True, blank=True)
    defence_until = models.DateField(_("陈述申辩截止"), null=True, blank=True)
    defence = models.TextField(_("陈述申辩意见"), blank=True)
    decided_on = models.DateField(_("认定日期"), null=True, blank=True)
    starts_on = models.DateField(_("列入日期"), null=True, blank=True)
    ends_on = models.DateField(_("届满日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    exited_on = models.DateField(_("移出日期"), null=True, blank=True)
    exit_reason = models.CharField(
        _("移出原因"), max_length=16, choices=ExitReason.choices, blank=True
    )
    # An objection (异议) against the entry is being handled: pages flag the entry.
    disputed = models.BooleanField(_("异议处理中"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("名单条目")
        verbose_name_plural = _("名单条目")
        indexes = [
            models.Index(fields=["subject", "status"]),
            models.Index(fields=["credit_list", "status", "starts_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_list", "subject"],
                condition=models.Q(status__in=["proposed", "notified", "listed", "published"]),
                name="one_open_entry_per_list_and_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.credit_list_id}"

    def in_force_on(self, day: date) -> bool:
        return (
            self.status in self.IN_FORCE
            and self.starts_on is not None
            and self.starts_on <= day
            and (self.ends_on is None or day <= self.ends_on)
        )


class EntryEvent(models.Model):
    """One step in an entry's history, shown to the subject and to operators."""

    class Action(models.TextChoices):
        PROPOSED = "proposed", _("提出列入")
        NOTIFIED = "notified", _("告知当事人")
        DEFENCE = "defence", _("陈述申辩")
        LISTED = "listed", _("决定列入")
        DECLINED = "declined", _("决定不予列入")
        PUBLISHED = "published", _("公开")
        EXTENDED = "extended", _("延长期限")
        EXITED = "exited", _("移出")
        IMPORTED = "imported", _("导入")

    entry = models.ForeignKey(ListEntry, models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    actor = models.CharField(_("操作者"), max_length=200)
    action = models.CharField(_("操作"), max_length=12, choices=Action.choices)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("名单条目历史")
        verbose_name_plural = _("名单条目历史")

    def __str__(self) -> str:
        return f"{self.entry_id} {self.action}"


class CheckReceipt(models.Model):
    """One joint reward-and-punishment check (联合奖惩核查) and what it answered.

    The answer is kept, compressed, so "checked on date X" can be shown later exactly as
    it was; `data_version` names the state of lists and records it was made against. ID
    numbers are stored only masked.
    """

    reference = models.CharField(
        _("核查回执号"), max_length=20, unique=True, default=new_receipt_reference, editable=False
    )
    created_at = models.DateTimeField(_("核查时间"), db_index=True)
    actor = models.CharField(_("核查人"), max_length=200)
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="check_receipts", verbose_name=_("核查单位")
    )
    purpose = models.CharField(_("核查用途"), max_length=300)
    scene = models.ForeignKey(
        Scene, models.PROTECT, related_name="check_receipts", verbose_name=_("应用场景")
    )
    subject_count = models.PositiveIntegerField(_("核查主体数"))
    matched_count = models.PositiveIntegerField(_("匹配主体数"))
    listed_count = models.PositiveIntegerField(_("在名单主体数"))
    data_version = models.CharField(_("数据版本"), max_length=100)
    # Per list and measure, how often the check returned it: the denominator of 执行反馈率.
    hits = models.JSONField(_("命中统计"), default=dict)
    results = models.BinaryField(_("核查结果（压缩）"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("核查回执")
        verbose_name_plural = _("核查回执")

    def __str__(self) -> str:
        return self.reference


class CheckFeedback(models.Model):
    """What the checking unit did with a measure the check returned (执行反馈)."""

    receipt = models.ForeignKey(CheckReceipt, models.PROTECT, related_name="feedback")
    subject = models.ForeignKey(
        "subjects.Subject", models.PROTECT, related_name="check_feedback", verbose_name=_("主体")
    )
    measure = models.ForeignKey(
        Measure, models.PROTECT, related_name="feedback", verbose_name=_("奖惩措施")
    )
    entry = models.ForeignKey(
        ListEntry,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("名单条目"),
    )
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="check_feedback", verbose_name=_("反馈单位")
    )
    applied = models.BooleanField(_("已实施"))
    reason = models.TextField(_("说明"), blank=True)
    amount = models.DecimalField(
        _("涉及金额（万元）"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    actor = models.CharField(_("反馈人"), max_length=200)
    created_at = models.DateTimeField(_("反馈时间"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("执行反馈")
        verbose_name_plural = _("执行反馈")
        constraints = [
            models.UniqueConstraint(
                fields=["receipt", "subject", "measure"], name="one_feedback_per_measure"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id} {self.measure_id}"
