"""The special governance campaigns (专项治理) of the seed, part 2, and the lead units'
work rules for them (工作细则, part 六、2) as tasks with progress reports and a history."""

from __future__ import annotations

from datetime import date

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


class CampaignTask(models.Model):
    """One measure of a campaign's work rules (工作细则, 六、2): who does what by when.

    The lead units write the rules as tasks; the owner unit (责任单位) answers for the
    task, the participating units help and report too. `progress` is the task's overall
    progress as the latest report states it. Changes go through
    `xinyong.campaigns.tasks`, which keeps the history (`TaskEvent`) and the audit log.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("未开始")
        IN_PROGRESS = "in_progress", _("推进中")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    OPEN = (Status.PLANNED, Status.IN_PROGRESS)

    campaign = models.ForeignKey(
        Campaign, models.PROTECT, related_name="tasks", verbose_name=_("专项治理")
    )
    title = models.CharField(_("任务名称"), max_length=200)
    detail = models.TextField(_("具体举措"), blank=True)
    owner = models.ForeignKey(
        Unit, models.PROTECT, related_name="campaign_tasks", verbose_name=_("责任单位")
    )
    participants = models.ManyToManyField(
        Unit, blank=True, related_name="campaign_tasks_joined", verbose_name=_("参与单位")
    )
    starts_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("完成期限"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.CharField(_("创建者"), max_length=200)

    class Meta:
        ordering = ["campaign", "due_on", "pk"]
        verbose_name = _("工作任务")
        verbose_name_plural = _("工作任务")
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="task_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("starts_on")),
                name="task_due_not_before_start",
            ),
            # A finishing day exactly when the task is done (reopening clears it).
            models.CheckConstraint(
                condition=(
                    models.Q(status="done", done_on__isnull=False)
                    | (~models.Q(status="done") & models.Q(done_on__isnull=True))
                ),
                name="task_done_on_when_done",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue(self, today: date) -> bool:
        """Still open the day after its deadline."""
        return self.is_open and self.due_on < today

    @property
    def finished_late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due_on


class TaskReport(models.Model):
    """A progress report (进展报告) by the owner or a participating unit."""

    task = models.ForeignKey(
        CampaignTask, models.CASCADE, related_name="reports", verbose_name=_("工作任务")
    )
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("报告单位"))
    reported_on = models.DateField(_("报告日期"))
    reported_at = models.DateTimeField(_("提交时间"))
    progress = models.PositiveSmallIntegerField(_("完成进度（%）"))
    text = models.TextField(_("进展情况"))
    author = models.CharField(_("报告人"), max_length=200)

    class Meta:
        ordering = ["task", "reported_on", "pk"]
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.unit} {self.reported_on}"


class TaskEvent(models.Model):
    """One change in a task's history, with who made it and what changed (`data`)."""

    class Action(models.TextChoices):
        CREATED = "created", _("创建任务")
        REPORTED = "reported", _("报告进展")
        RESCHEDULED = "rescheduled", _("调整完成期限")
        COMPLETED = "completed", _("完成任务")
        CANCELLED = "cancelled", _("取消任务")
        REOPENED = "reopened", _("重新打开任务")

    task = models.ForeignKey(
        CampaignTask, models.CASCADE, related_name="events", verbose_name=_("工作任务")
    )
    at = models.DateTimeField(_("时间"))
    actor = models.CharField(_("操作者"), max_length=200)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    data = models.JSONField(_("内容"), default=dict, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["task", "at", "pk"]
        verbose_name = _("工作任务记录")
        verbose_name_plural = _("工作任务记录")

    def __str__(self) -> str:
        return f"{self.task_id} {self.action}"
