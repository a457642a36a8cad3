"""Subjects' rights: objections (异议) and credit repair (信用修复) as procedures with deadlines.

Both are cases about one credit record or one list entry, with a reference number the
applicant quotes on the tracking page, the deadline of the step they are at (`due_on`,
in working days from the pack's rules), and a history of events. Events marked
`public` are what the applicant sees on the tracking page; the others are staff notes.
The applicant's contact details are personal information: stored encrypted only.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_objection_reference() -> str:
    """异议 → YY…; unguessable, so a reference enumerates nothing."""
    return "YY" + secrets.token_hex(6).upper()


def new_repair_reference() -> str:
    """修复 → XF…"""
    return "XF" + secrets.token_hex(6).upper()


class Channel(models.TextChoices):
    PORTAL = "portal", _("门户网站")
    API = "api", _("接口")
    CONSOLE = "console", _("管理台")


class Case(models.Model):
    """Abstract: what objections and repair applications share."""

    record = models.ForeignKey(
        "records.CreditRecord",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("信用记录"),
    )
    entry = models.ForeignKey(
        "lists.ListEntry",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("名单条目"),
    )
    subject = models.ForeignKey(
        "subjects.Subject", models.PROTECT, related_name="+", verbose_name=_("信用主体")
    )
    # The unit that provided the record or decided the entry: it checks and is told.
    unit = models.ForeignKey(
        "subjects.Unit", models.PROTECT, related_name="+", verbose_name=_("数据提供单位")
    )
    channel = models.CharField(_("提交渠道"), max_length=10, choices=Channel.choices)
    applicant_name = models.CharField(_("申请人"), max_length=100)
    applicant_contact_enc = models.TextField(_("联系方式（密文）"), blank=True, editable=False)
    filed_at = models.DateTimeField(_("提交时间"))
    # The deadline of the step the case is at; empty once decided.
    due_on = models.DateField(_("当前环节期限"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    decision_reasons = models.TextField(_("处理意见"), blank=True)
    attachments = models.ManyToManyField(
        "records.StoredFile", blank=True, related_name="+", verbose_name=_("附件")
    )

    class Meta:
        abstract = True

    def target_label(self) -> str:
        if self.record_id:
            return str(self.record)
        return str(self.entry)


def _one_target(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(
            models.Q(record__isnull=False, entry__isnull=True)
            | models.Q(record__isnull=True, entry__isnull=False)
        ),
        name=name,
    )


class Objection(Case):
    """An objection to a record or entry: platform check → (unit check) → decision."""

    class Status(models.TextChoices):
        PLATFORM_CHECK = "platform", _("平台核查")
        UNIT_CHECK = "unit", _("数据提供单位核查")
        DECIDING = "deciding", _("待决定")
        UPHELD = "upheld", _("异议成立")
        REJECTED = "rejected", _("异议不成立")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Outcome(models.TextChoices):
        NONE = "", _("未办结")
        CORRECTED = "corrected", _("已更正")
        REVOKED = "revoked", _("已撤销")
        REJECTED = "rejected", _("维持原信息")
        WITHDRAWN = "withdrawn", _("申请人撤回")

    OPEN = (Status.PLATFORM_CHECK, Status.UNIT_CHECK, Status.DECIDING)

    reference = models.CharField(
        _("异议编号"),
        max_length=20,
        unique=True,
        default=new_objection_reference,
        editable=False,
    )
    ground = models.CharField(_("异议理由"), max_length=40)
    description = models.TextField(_("异议说明"))
    # Field code → the value the applicant says is right (for 信息错误 and the like).
    corrections = models.JSONField(_("请求更正的内容"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PLATFORM_CHECK
    )
    outcome = models.CharField(
        _("处理结果"), max_length=10, choices=Outcome.choices, blank=True, default=""
    )
    # The record's status before it was flagged, restored when the objection fails.
    status_before = models.CharField(_("异议前状态"), max_length=10, blank=True)
    platform_due = models.DateField(_("平台核查期限"))
    unit_due = models.DateField(_("单位核查期限"), null=True, blank=True)
    decision_due = models.DateField(_("决定期限"), null=True, blank=True)
    unit_answer = models.TextField(_("单位核查意见"), blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            _one_target("objection_one_target"),
            models.UniqueConstraint(
                fields=["record"],
                condition=models.Q(status__in=["platform", "unit", "deciding"]),
                name="one_open_objection_per_record",
            ),
            models.UniqueConstraint(
                fields=["entry"],
                condition=models.Q(status__in=["platform", "unit", "deciding"]),
                name="one_open_objection_per_entry",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class RepairApplication(Case):
    """A credit repair application (信用修复申请): one per record or entry at a time."""

    class Method(models.TextChoices):
        # The three repair methods of order 58 (DOMAIN.md).
        LIST_EXIT = "list_exit", _("移出严重失信主体名单")
        PENALTY_PUBLICITY = "penalty", _("提前停止公示行政处罚信息")
        OTHER = "other", _("修复其他失信信息")

    class Status(models.TextChoices):
        REVIEWING = "reviewing", _("审核中")
        APPROVED = "approved", _("准予修复")
        REJECTED = "rejected", _("不予修复")
        WITHDRAWN = "withdrawn", _("已撤回")

    OPEN = (Status.REVIEWING,)

    reference = models.CharField(
        _("修复编号"), max_length=20, unique=True, default=new_repair_reference, editable=False
    )
    method = models.CharField(_("修复方式"), max_length=10, choices=Method.choices)
    correction = models.TextField(_("纠正失信行为情况"))
    # The 信用修复型 credit commitment (信用承诺) the applicant signs.
    commitment = models.TextField(_("信用修复承诺"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.REVIEWING
    )
    # What the repair ended: the record's publicity end or the entry's end before.
    ended_before = models.DateField(_("修复前截止日期"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            _one_target("repair_one_target"),
            models.UniqueConstraint(
                fields=["record"],
                condition=models.Q(status="reviewing"),
                name="one_open_repair_per_record",
            ),
            models.UniqueConstraint(
                fields=["entry"],
                condition=models.Q(status="reviewing"),
                name="one_open_repair_per_entry",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class Event(models.Model):
    """Abstract: one step in a case's history."""

    at = models.DateTimeField(_("时间"))
    actor = models.CharField(_("操作者"), max_length=200)
    action = models.CharField(_("操作"), max_length=20)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)
    # Shown to the applicant on the tracking page (staff notes are not).
    public = models.BooleanField(_("向申请人展示"), default=True)

    class Meta:
        abstract = True


class ObjectionEvent(Event):
    class Action(models.TextChoices):
        FILED = "filed", _("提交异议")
        FLAGGED = "flagged", _("标注异议")
        REFERRED = "referred", _("转数据提供单位核查")
        UNIT_ANSWERED = "unit_answered", _("数据提供单位核查完毕")
        UPHELD = "upheld", _("异议成立")
        REJECTED = "rejected", _("异议不成立")
        WITHDRAWN = "withdrawn", _("撤回异议")
        NOTE = "note", _("备注")

    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    objection = models.ForeignKey(Objection, models.CASCADE, related_name="events")

    class Meta:
        ordering = ["objection", "id"]
        verbose_name = _("异议处理记录")
        verbose_name_plural = _("异议处理记录")

    def __str__(self) -> str:
        return f"{self.objection_id} {self.action}"


class RepairEvent(Event):
    class Action(models.TextChoices):
        FILED = "filed", _("提交申请")
        APPROVED = "approved", _("准予修复")
        REJECTED = "rejected", _("不予修复")
        SHARED = "shared", _("修复结果推送至决定单位")
        WITHDRAWN = "withdrawn", _("撤回申请")
        NOTE = "note", _("备注")

    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    application = models.ForeignKey(RepairApplication, models.CASCADE, related_name="events")

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("修复办理记录")
        verbose_name_plural = _("修复办理记录")

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"
