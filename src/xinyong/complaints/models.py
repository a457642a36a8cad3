"""Complaints (举报投诉): filed at one point, handled by the responsible unit province-wide.

A complaint names a campaign domain, the subject complained about (matched to a known
subject where its code is given, else kept as the name typed), a region, what happened,
and who complains, or nobody (anonymous). The pack's routing rule sends it to a unit;
the unit accepts or declines it, handles it, and replies; the complainant rates the
reply. Each step has its deadline (`due_on` for the current one, and one column per
step so the dashboard can count what was late). The complainant's identity and contact
are stored encrypted and never shown outside the handling desk, where reading them is
audited with a purpose.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_reference() -> str:
    """投诉 → TS…; unguessable, so a reference enumerates nothing."""
    return "TS" + secrets.token_hex(6).upper()


class Complaint(models.Model):
    class Channel(models.TextChoices):
        PORTAL = "portal", _("门户网站")
        HOTLINE = "hotline", _("热线电话")
        API = "api", _("接口")
        CONSOLE = "console", _("管理台")

    class Status(models.TextChoices):
        RECEIVED = "received", _("待受理")
        HANDLING = "handling", _("办理中")
        ANSWERING = "answering", _("待答复")
        REPLIED = "replied", _("已答复")
        DECLINED = "declined", _("不予受理")

    class Outcome(models.TextChoices):
        NONE = "", _("未办结")
        NOT_FOUND = "not_found", _("经查不属实")
        CORRECTED = "corrected", _("已责令整改")
        RECORD = "record", _("已作出处理并记入信用记录")
        PROPOSAL = "proposal", _("已提出列入名单建议")

    # Steps at which the handling unit owes something (the queue, the overdue count).
    OPEN = (Status.RECEIVED, Status.HANDLING, Status.ANSWERING)

    reference = models.CharField(
        _("投诉编号"), max_length=20, unique=True, default=new_reference, editable=False
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", models.PROTECT, related_name="complaints", verbose_name=_("领域")
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    hotline = models.CharField(_("热线"), max_length=20, blank=True)
    subject = models.ForeignKey(
        "subjects.Subject",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("被投诉主体"),
    )
    subject_name = models.CharField(_("被投诉主体名称"), max_length=200)
    region = models.ForeignKey(
        "subjects.Region", models.PROTECT, related_name="+", verbose_name=_("所在地区")
    )
    description = models.TextField(_("投诉内容"))
    anonymous = models.BooleanField(_("匿名"), default=False)
    complainant_enc = models.TextField(_("投诉人（密文）"), blank=True, editable=False)
    unit = models.ForeignKey(
        "subjects.Unit", models.PROTECT, related_name="complaints", verbose_name=_("承办单位")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    filed_at = models.DateTimeField(_("登记时间"))
    due_on = models.DateField(_("当前环节期限"), null=True, blank=True)
    accept_due = models.DateField(_("受理期限"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    handle_due = models.DateField(_("办理期限"), null=True, blank=True)
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True)
    reply_due = models.DateField(_("答复期限"), null=True, blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    rate_due = models.DateField(_("评价期限"), null=True, blank=True)
    # Some step finished after its deadline: counted as late on the dashboard.
    late = models.BooleanField(_("曾逾期"), default=False)
    outcome = models.CharField(
        _("办理结果"), max_length=10, choices=Outcome.choices, blank=True, default=""
    )
    findings = models.TextField(_("调查处理情况"), blank=True)
    reply = models.TextField(_("答复意见"), blank=True)
    outcome_record = models.ForeignKey(
        "records.CreditRecord",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("形成的信用记录"),
    )
    outcome_entry = models.ForeignKey(
        "lists.ListEntry",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提出的名单建议"),
    )
    rating = models.PositiveSmallIntegerField(_("评价"), null=True, blank=True)
    rating_comment = models.TextField(_("评价意见"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    attachments = models.ManyToManyField(
        "records.StoredFile", blank=True, related_name="+", verbose_name=_("附件")
    )

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("举报投诉")
        verbose_name_plural = _("举报投诉")
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["unit", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="complaint_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ComplaintEvent(models.Model):
    """One step of a complaint's history. `public` events are what the complainant sees
    on the tracking page; findings and notes are the units' own."""

    class Action(models.TextChoices):
        FILED = "filed", _("登记")
        ROUTED = "routed", _("分办")
        ACCEPTED = "accepted", _("受理")
        DECLINED = "declined", _("不予受理")
        TRANSFERRED = "transferred", _("转办")
        CONCLUDED = "concluded", _("办结")
        REPLIED = "replied", _("答复")
        RATED = "rated", _("评价")

    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    actor = models.CharField(_("操作者"), max_length=200)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    unit = models.ForeignKey(
        "subjects.Unit", models.PROTECT, null=True, related_name="+", verbose_name=_("单位")
    )
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)
    public = models.BooleanField(_("向投诉人展示"), default=True)

    class Meta:
        ordering = ["complaint", "id"]
        verbose_name = _("举报投诉办理记录")
        verbose_name_plural = _("举报投诉办理记录")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action}"
